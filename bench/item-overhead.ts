/**
 * Where an item's time goes besides its agent (issue 15): a chain of N items (each depends on the one before) with
 * the instant simulated agent and review off, on a local dev server; then every item's history is read back and
 * each step between the item's start and its end is timed (activities, waits for the merge queue's answer), and
 * the hand-off from one item's merge to its dependent's first agent session. Medians over the items.
 *
 *   npx tsx bench/item-overhead.ts [--n 8]
 */
import { epicWorkflowId, itemWorkflowId, TASK_QUEUE } from '../common/ids';
import { startTestEnv, startWorkers } from '../test/helpers/temporal';
import { makeRepo } from '../test/helpers/repo';
import { fakeAgent } from '../test/helpers/agent';
import { item, smallPlan } from '../test/helpers/epics';
import { numberOption } from './args';
import { type Event, itemLife, median, ms, stepDurations } from './history-steps';

const n = numberOption('n', 8);
const env = await startTestEnv();
const workers = await startWorkers(env, { maxSessions: 4 });
try {
  const repo = makeRepo('overhead');
  const agent = fakeAgent({});
  const items = Array.from({ length: n }, (_, k) => item(`o${k + 1}`, k ? [`o${k}`] : []));
  const plan = smallPlan('overhead', repo, items, agent.command, { maxParallel: 2, review: { enabled: false, maxRounds: 1 } });
  const t0 = performance.now();
  await env.client.workflow.execute('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });
  const wall = performance.now() - t0;
  const lives: ReturnType<typeof itemLife>[] = [];
  for (const it of items) {
    const events: Event[] = (await env.client.workflow.getHandle(itemWorkflowId(plan.epicId, it.id)).fetchHistory()).events ?? [];
    const life = itemLife(events);
    if (it.id === 'o2') console.log('item o2, step by step (ms from its start):\n' + life.steps.map((x) => `  ${String(x.start - life.start).padStart(5)} +${String(x.end - x.start).padStart(4)}  ${x.label}`).join('\n'));
    lives.push(life);
  }
  console.log(`${n}-item chain, instant simulated agent, review off: ${(wall / 1000).toFixed(1)} s wall, ${(wall / n / 1000).toFixed(2)} s per item`);
  console.log('median per item, by step (ms):');
  const byLabel = stepDurations(lives);
  for (const [label, xs] of [...byLabel.entries()].sort((a, b) => median(b[1]) - median(a[1]))) console.log(`  ${String(median(xs)).padStart(6)}  ×${xs.length / n === 1 ? 1 : (xs.length / n).toFixed(1)}  ${label}`);
  const slot = lives.map((l) => l.slotEnd - l.start - (l.agentEnd - l.agentStart));
  const handoff = lives.slice(1).map((l, k) => l.agentStart - lives[k].mergedAt);
  const afterAgent = lives.map((l) => l.end - l.agentEnd);
  console.log(`item start → first agent session: median ${median(lives.map((l) => l.agentStart - l.start))} ms`);
  console.log(`last agent session → item completed (merged, cleaned up): median ${median(afterAgent)} ms`);
  console.log(`slot time beyond the agent's sessions (item start → its "merged" report, less the sessions): median ${median(slot)} ms per item`);
  console.log(`"merged" report → item closed (cleanup, off the slot): median ${median(lives.map((l) => l.end - l.slotEnd))} ms`);
  // The merge queue's side of the wait: enqueue signal → merge activity scheduled → started → completed → reply sent.
  const { mergeQueueWorkflowId, repoKey } = await import('../common/ids');
  const { sh } = await import('../test/helpers/repo');
  const q = (await env.client.workflow.getHandle(mergeQueueWorkflowId(repoKey(sh(repo, 'rev-parse', '--show-toplevel')))).fetchHistory()).events ?? [];
  // A gate-less local queue merges in a local activity (no activity events): then only the whole wait is known.
  const gaps = { 'enqueue signal → reply signal sent': [] as number[], 'enqueue signal → merge activity scheduled': [] as number[], 'scheduled → started (task queue)': [] as number[], 'merge activity (git)': [] as number[], 'completed → reply signal sent': [] as number[] };
  let signalAt = 0;
  let sched = 0;
  let started = 0;
  let completed = 0;
  for (const e of q) {
    if (e.workflowExecutionSignaledEventAttributes?.signalName === 'enqueue') signalAt = ms(e);
    if (e.activityTaskScheduledEventAttributes) {
      sched = ms(e);
      gaps['enqueue signal → merge activity scheduled'].push(sched - signalAt);
    }
    if (e.activityTaskStartedEventAttributes) {
      started = ms(e);
      gaps['scheduled → started (task queue)'].push(started - sched);
    }
    if (e.activityTaskCompletedEventAttributes) {
      completed = ms(e);
      gaps['merge activity (git)'].push(completed - sched);
    }
    if (e.signalExternalWorkflowExecutionInitiatedEventAttributes && signalAt) {
      gaps['enqueue signal → reply signal sent'].push(ms(e) - signalAt);
      signalAt = 0;
      if (completed) gaps['completed → reply signal sent'].push(ms(e) - completed);
      completed = 0;
    }
  }
  console.log('merge queue, median (ms): ' + Object.entries(gaps).filter(([, v]) => v.length).map(([k, v]) => `${k} ${median(v)}`).join('; '));
  console.log(`dependency merged (the queue's answer reached it) → dependent's first agent session: median ${median(handoff)} ms`);
} finally {
  await workers.stop();
  await env.teardown();
}
