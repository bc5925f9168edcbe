/**
 * Makespan (issue 15): a seeded random DAG of N items with simulated sessions of 3–9 s at `maxParallel` P, run as
 * an epic (review off, the simulated agent sleeping each item's duration), against the lower bound
 * max(critical path, total work / P), an ideal list schedule of the same DAG and durations with no overhead, and a
 * wave-by-wave schedule (start the ready set, wait for all of it, P at a time).
 *
 *   npx tsx bench/makespan.ts [--n 30] [--p 4] [--seed 15]
 */
import { epicWorkflowId, itemWorkflowId, TASK_QUEUE } from '../common/ids';
import type { EpicResult } from '../common/status';
import { startTestEnv, startWorkers } from '../test/helpers/temporal';
import { makeRepo } from '../test/helpers/repo';
import { fakeAgent } from '../test/helpers/agent';
import { item, smallPlan } from '../test/helpers/epics';
import { numberOption } from './args';
import { type Event, itemLife, median } from './history-steps';

const n = numberOption('n', 30);
const P = numberOption('p', 4);
let seed = numberOption('seed', 15);
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

// Each item depends on up to two random earlier items; durations 3–9 s.
const ids = Array.from({ length: n }, (_, k) => `m${k + 1}`);
const deps = ids.map((_, k) => [...new Set(Array.from({ length: 2 }, () => (k > 0 && rand() < 0.6 ? ids[Math.floor(rand() * k)] : undefined)).filter((d): d is string => !!d))]);
const dur = ids.map(() => 3000 + Math.round(rand() * 6000));
const idx = new Map(ids.map((id, k) => [id, k]));

const finishOf: number[] = [];
ids.forEach((_, k) => (finishOf[k] = Math.max(0, ...deps[k].map((d) => finishOf[idx.get(d)!])) + dur[k]));
const critical = Math.max(...finishOf);
const total = dur.reduce((a, b) => a + b, 0);
const lower = Math.max(critical, total / P);

/**
 * Greedy list schedule with P slots: whenever a slot is free, start the ready item first in `order` (by default the
 * longest tail of durations, which only a scheduler that knew them could use); each item takes `overheadMs` more.
 */
function listSchedule(order?: (a: number, b: number) => number, overheadMs = 0): number {
  const tail: number[] = [];
  for (let k = n - 1; k >= 0; k--) tail[k] = dur[k] + Math.max(0, ...ids.map((_, j) => (deps[j].includes(ids[k]) ? tail[j] : 0)));
  const byTail = (a: number, b: number) => tail[b] - tail[a];
  const done = new Map<number, number>();
  const running: { k: number; end: number }[] = [];
  let t = 0;
  while (done.size < n) {
    const ready = ids.map((_, k) => k).filter((k) => !done.has(k) && !running.some((r) => r.k === k) && deps[k].every((d) => (done.get(idx.get(d)!) ?? Infinity) <= t));
    ready.sort(order ?? byTail);
    while (running.length < P && ready.length) {
      const k = ready.shift()!;
      running.push({ k, end: t + dur[k] + overheadMs });
    }
    running.sort((a, b) => a.end - b.end);
    const next = running.shift()!;
    t = next.end;
    done.set(next.k, t);
  }
  return t;
}

/** The engine's own dispatch order, which knows no durations: longest chain of dependents (in items), then id. */
function engineOrder(): (a: number, b: number) => number {
  const chain: number[] = [];
  for (let k = n - 1; k >= 0; k--) chain[k] = 1 + Math.max(0, ...ids.map((_, j) => (deps[j].includes(ids[k]) ? chain[j] : 0)));
  return (a, b) => chain[b] - chain[a] || (ids[a] < ids[b] ? -1 : 1);
}

/** Waves: the ready set starts (P at a time, longest first), the next wave waits for all of it. */
function waveSchedule(): number {
  const done = new Set<string>();
  let t = 0;
  while (done.size < n) {
    const wave = ids.map((_, k) => k).filter((k) => !done.has(ids[k]) && deps[k].every((d) => done.has(d)));
    const slots = Array(P).fill(0);
    for (const k of wave.sort((a, b) => dur[b] - dur[a])) {
      slots.sort((a, b) => a - b);
      slots[0] += dur[k];
    }
    t += Math.max(...slots);
    wave.forEach((k) => done.add(ids[k]));
  }
  return t;
}

/** Where each item's slot time goes besides its simulated session, and how long a ready item waits for its start. */
async function printBreakdown(epicId: string): Promise<void> {
  const lives: ReturnType<typeof itemLife>[] = [];
  for (const id of ids) lives.push(itemLife(((await env.client.workflow.getHandle(itemWorkflowId(epicId, id)).fetchHistory()).events ?? []) as Event[]));
  const m = (xs: number[]) => `${median(xs)} ms`;
  const slotEnds = lives.map((l) => l.slotEnd).sort((a, b) => a - b);
  // An item could start once its dependencies merged and a slot was free: the latest of those before its start.
  const dispatch = lives.map((l, k) => {
    const ready = Math.max(lives[0].start, ...deps[k].map((d) => lives[idx.get(d)!].slotEnd));
    const freed = slotEnds.filter((t) => t <= l.start).pop() ?? lives[0].start;
    return l.start - Math.max(ready, freed);
  });
  console.log(`  per item, medians: start → session ${m(lives.map((l) => l.agentStart - l.start))}; session beyond its simulated time ${m(lives.map((l, k) => l.agentEnd - l.agentStart - dur[k]))}; session end → "merged" report ${m(lives.map((l) => l.slotEnd - l.agentEnd))}; ready and a slot free → started ${m(dispatch)}`);
  const overhead = median(lives.map((l, k) => l.slotEnd - l.start - dur[k]));
  const sim = (o: number) => `${(listSchedule(engineOrder(), o) / 1000).toFixed(1)} s (${(listSchedule(engineOrder(), o) / lower).toFixed(2)}x)`;
  console.log(`  the engine's order simulated: no overhead ${sim(0)}; with this run's median slot time beyond the session (${overhead} ms) ${sim(overhead)}`);
  const busy = lives.reduce((a, l) => a + l.slotEnd - l.start, 0);
  console.log(`  slots busy ${(busy / 1000).toFixed(1)} s of ${((P * (Math.max(...slotEnds) - lives[0].start)) / 1000).toFixed(1)} s (sessions' own time ${(total / 1000).toFixed(1)} s)`);
}

const scenario = { items: Object.fromEntries(ids.map((id, k) => [id, { implement: { delayMs: dur[k] } }])) };
const env = await startTestEnv();
const workers = await startWorkers(env, { maxSessions: P });
try {
  const repo = makeRepo('makespan');
  const plan = smallPlan('makespan', repo, ids.map((id, k) => item(id, deps[k])), fakeAgent(scenario).command, { maxParallel: P, review: { enabled: false, maxRounds: 1 } });
  const t0 = performance.now();
  const result: EpicResult = await env.client.workflow.execute('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });
  const makespan = performance.now() - t0;
  const merged = result.items.filter((i) => i.state === 'merged').length;
  if (merged !== n) throw new Error(`${merged}/${n} merged`);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`makespan: ${n} items (seed ${numberOption('seed', 15)}), sessions 3–9 s (${s(total)} in all), maxParallel ${P}; critical path ${s(critical)}`);
  console.log(`  lower bound max(critical path, work/P) ${s(lower)}; ideal list schedule ${s(listSchedule())}; wave by wave ${s(waveSchedule())}`);
  console.log(`  epic: ${s(makespan)} = ${(makespan / lower).toFixed(2)}x the lower bound (goal 1.15x), ${(makespan / waveSchedule()).toFixed(2)}x the waves`);
  await printBreakdown(plan.epicId);
} finally {
  await workers.stop();
  await env.teardown();
}
