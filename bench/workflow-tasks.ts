/**
 * Where a workflow task's time goes (issue 15's overhead per item): a chain of N items with the instant simulated
 * agent and review off, on a local dev server, with the SDK's own Prometheus metrics on. Prints, per workflow type,
 * the mean workflow task execution latency (task started → completed, local activities included) and the mean
 * schedule-to-start latency, then (with `--timeline`) every event of the epic, two items and the merge queue around
 * one hand-off, in time order, so the round trips between the workflows can be read off.
 *
 *   npx tsx bench/workflow-tasks.ts [--n 6] [--timeline]
 */
import { epicWorkflowId, itemWorkflowId, mergeQueueWorkflowId, repoKey, TASK_QUEUE } from '../common/ids';
import { startTestEnv, startWorkers } from '../test/helpers/temporal';
import { makeRepo, sh } from '../test/helpers/repo';
import { fakeAgent } from '../test/helpers/agent';
import { item, smallPlan } from '../test/helpers/epics';
import { flagOption, numberOption } from './args';
import { type Event, localActivity, ms } from './history-steps';
import { samples } from '../test/helpers/prometheus';
import { firstPayload } from '../test/helpers/history';
import { installRuntime } from '../workers/telemetry';
import { freePort } from '../test/helpers/dev-server';

const n = numberOption('n', 6);
const timeline = flagOption('timeline');
// The timeline follows the hand-off from o2 to o3.
if (timeline && n < 3) throw new Error(`--timeline follows items o2 and o3: give --n 3 or more (got ${n})`);
const metricsPort = await freePort();
// The worker's own Runtime with its metrics endpoint, before the test helpers' quiet one (which then stands aside).
installRuntime({ quiet: true, metricsPort, metricsHost: '127.0.0.1' });

/** `name{labels} value` lines of one histogram's _sum and _count, as mean ms per label set. */
function means(text: string, histogram: string): string[] {
  const series = new Map<string, { sum?: number; count?: number }>();
  for (const part of ['sum', 'count'] as const) {
    for (const { labels, value } of samples(text, `${histogram}_${part}`)) {
      const key = ['task_queue', 'workflow_type'].filter((k) => k in labels).map((k) => `${k}="${labels[k]}"`).join(', ');
      series.set(key, { ...series.get(key), [part]: value });
    }
  }
  return [...series].map(([labels, s]) => `  ${((s.sum ?? 0) / (s.count || 1)).toFixed(1).padStart(6)} ms mean over ${s.count} tasks  ${labels}`);
}

/** One line per event: ms from the first item's start, which workflow, the event type and what it names. */
function describeEvent(e: Event): string {
  const key = Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k]) ?? '?';
  const a = (e as Record<string, Record<string, unknown> | undefined>)[key];
  const name = localActivity(e)?.label ?? a?.signalName ?? (a?.activityType as { name?: string })?.name ?? a?.markerName ?? '';
  return `${key.replace('EventAttributes', '')} ${name}${stateOf(a?.input)}`;
}

/** The item state a signal carries (an item's report), as ` (merged)`; '' for anything else. */
function stateOf(input: unknown): string {
  try {
    const body = firstPayload<{ state?: unknown; status?: { state?: unknown } }>(input as Parameters<typeof firstPayload>[0]);
    const state = body?.state ?? body?.status?.state;
    return typeof state === 'string' ? ` (${state})` : '';
  } catch {
    return '';
  }
}

const env = await startTestEnv();
const workers = await startWorkers(env, { maxSessions: 4 });
try {
  const repo = makeRepo('workflow-tasks');
  const items = Array.from({ length: n }, (_, k) => item(`o${k + 1}`, k ? [`o${k}`] : []));
  const plan = smallPlan('workflow-tasks', repo, items, fakeAgent({}).command, { maxParallel: 2, review: { enabled: false, maxRounds: 1 } });
  await env.client.workflow.execute('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  console.log(`${n}-item chain, instant simulated agent, review off`);
  console.log('workflow task execution (started → completed):\n' + means(text, 'temporal_workflow_task_execution_latency_milliseconds').join('\n'));
  console.log('workflow task schedule → start:\n' + means(text, 'temporal_workflow_task_schedule_to_start_latency_milliseconds').join('\n'));
  if (timeline) {
    const all: { t: number; who: string; what: string }[] = [];
    const add = async (who: string, id: string) => {
      for (const e of (await env.client.workflow.getHandle(id).fetchHistory()).events ?? []) all.push({ t: ms(e), who, what: describeEvent(e) });
    };
    await add('epic', epicWorkflowId(plan.epicId));
    await add('o2', itemWorkflowId(plan.epicId, 'o2'));
    await add('o3', itemWorkflowId(plan.epicId, 'o3'));
    await add('queue', mergeQueueWorkflowId(repoKey(sh(repo, 'rev-parse', '--show-toplevel'))));
    all.sort((a, b) => a.t - b.t);
    const from = all.find((x) => x.who === 'o2')!.t;
    const to = all.find((x) => x.who === 'o3' && x.what.startsWith('activityTaskScheduled'))!.t;
    console.log('timeline, ms from o2 started to o3 running its agent:');
    for (const x of all) if (x.t >= from && x.t <= to) console.log(`${String(x.t - from).padStart(6)} ${x.who.padEnd(6)} ${x.what}`);
  }
} finally {
  await workers.stop();
  await env.teardown();
}
