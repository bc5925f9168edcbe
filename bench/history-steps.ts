/** Reading an item's steps back from its history, for the benches that time them (item-overhead, makespan). */
import type { temporal } from '@temporalio/proto';
import { firstPayload } from '../test/helpers/history';

export type Event = temporal.api.history.v1.IHistoryEvent;
export interface Step {
  label: string;
  start: number;
  end: number;
}

export const ms = (e: Event) => Number(e.eventTime!.seconds) * 1000 + Math.round((e.eventTime!.nanos ?? 0) / 1e6);
const tsMs = (t: { seconds: number; nanos: number }) => t.seconds * 1000 + Math.round(t.nanos / 1e6);
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** A local activity's type and times, from its marker (the SDK's `core_local_activity` marker data). */
export function localActivity(e: Event): Step | undefined {
  const m = e.markerRecordedEventAttributes;
  if (m?.markerName !== 'core_local_activity') return undefined;
  const data = firstPayload<{ activity_type: string; original_schedule_time: { seconds: number; nanos: number }; complete_time: { seconds: number; nanos: number } }>(m.details!.data)!;
  return { label: `${data.activity_type} (local)`, start: tsMs(data.original_schedule_time), end: tsMs(data.complete_time) };
}

/** The item's steps in order from its history: activities, local activities and the wait for the queue. */
export function steps(events: Event[]): Step[] {
  const scheduled = new Map<string, { name: string; at: number }>();
  const out: Step[] = [];
  let last = ms(events[0]);
  const push = (s: Step) => {
    if (s.start > last) out.push({ label: '(workflow between activities)', start: last, end: s.start });
    out.push(s);
    last = s.end;
  };
  for (const e of events) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), { name: s.activityType?.name ?? '?', at: ms(e) });
    const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
    if (done) {
      const a = scheduled.get(String(done.scheduledEventId))!;
      push({ label: a.name, start: a.at, end: ms(e) });
    }
    const local = localActivity(e);
    if (local) push(local);
    if (e.workflowExecutionSignaledEventAttributes?.signalName === 'mergeResult') {
      out.push({ label: 'waiting for the merge queue (enqueueMerge done → mergeResult)', start: last, end: ms(e) });
      last = ms(e);
    }
    if (e.workflowExecutionCompletedEventAttributes) out.push({ label: '(after the last step → completed)', start: last, end: ms(e) });
  }
  return out;
}

/** An item's life from its history: start, its agent sessions' span, the queue's answer and the slot's end. */
export function itemLife(events: Event[]) {
  const st = steps(events);
  const agentSteps = st.filter((s) => /agent|session|claude/i.test(s.label));
  const end = ms(events[events.length - 1]);
  const mergedAt = events.find((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'mergeResult');
  // The slot is free once the item tells the epic it merged (its first report after the queue's answer).
  const reported = mergedAt && events.find((e) => Number(e.eventId) > Number(mergedAt.eventId) && e.signalExternalWorkflowExecutionInitiatedEventAttributes);
  return {
    steps: st,
    start: ms(events[0]),
    end,
    agentStart: agentSteps[0]?.start ?? 0,
    agentEnd: agentSteps[agentSteps.length - 1]?.end ?? 0,
    mergedAt: mergedAt ? ms(mergedAt) : end,
    slotEnd: reported ? ms(reported) : end,
  };
}

/** Each step's durations over many items' lives, by the step's label (for medians per step). */
export function stepDurations(lives: { steps: Step[] }[]): Map<string, number[]> {
  const byLabel = new Map<string, number[]>();
  for (const l of lives) for (const x of l.steps) byLabel.set(x.label, [...(byLabel.get(x.label) ?? []), x.end - x.start]);
  return byLabel;
}
