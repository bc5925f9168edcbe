/**
 * Makespan (issue 15): seeded random DAGs of N items with simulated sessions of 3–9 s at `maxParallel` P, each run
 * as an epic (review off, the simulated agent sleeping each item's duration), against the lower bound
 * max(critical path, total work / P), an ideal list schedule of the same DAG and durations with no overhead, and a
 * wave-by-wave schedule (start the ready set, wait for all of it, P at a time). By default the plan gives each item
 * its duration as its `estimate` (as a plan's author would, here exactly); `--no-estimates` leaves them out, so the
 * engine orders ready items by the chain of dependents counted in items. Several seeds in one run; the median ratio.
 *
 *   npx tsx bench/makespan.ts [--n 30] [--p 4] [--seeds 1,2,3,4,5] [--no-estimates]
 */
import { epicWorkflowId, itemWorkflowId, TASK_QUEUE } from '../common/ids';
import type { EpicResult } from '../common/status';
import { startTestEnv, startWorkers } from '../test/helpers/temporal';
import { makeRepo } from '../test/helpers/repo';
import { fakeAgent } from '../test/helpers/agent';
import { item, smallPlan } from '../test/helpers/epics';
import { flagOption, numberOption, option } from './args';
import { type Event, itemLife, median } from './history-steps';

const n = numberOption('n', 30);
const P = numberOption('p', 4);
const seeds = option('seeds', option('seed', '1,2,3,4,5')).split(',').map(Number);
const estimates = !flagOption('no-estimates');

interface Dag {
  seed: number;
  ids: string[];
  deps: string[][];
  dur: number[];
  idx: Map<string, number>;
  critical: number;
  total: number;
  lower: number;
}

/** Each item depends on up to two random earlier items; durations 3–9 s. */
function randomDag(seed: number): Dag {
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const ids = Array.from({ length: n }, (_, k) => `m${k + 1}`);
  const deps = ids.map((_, k) => [...new Set(Array.from({ length: 2 }, () => (k > 0 && rand() < 0.6 ? ids[Math.floor(rand() * k)] : undefined)).filter((d): d is string => !!d))]);
  const dur = ids.map(() => 3000 + Math.round(rand() * 6000));
  const idx = new Map(ids.map((id, k) => [id, k]));
  const finishOf: number[] = [];
  ids.forEach((_, k) => (finishOf[k] = Math.max(0, ...deps[k].map((d) => finishOf[idx.get(d)!])) + dur[k]));
  const critical = Math.max(...finishOf);
  const total = dur.reduce((a, b) => a + b, 0);
  return { seed, ids, deps, dur, idx, critical, total, lower: Math.max(critical, total / P) };
}

/**
 * Greedy list schedule with P slots: whenever a slot is free, start the ready item first in `order` (by default the
 * longest tail of durations, which is the engine's order when every estimate is exact); each item takes `overheadMs` more.
 */
function listSchedule(g: Dag, order?: (a: number, b: number) => number, overheadMs = 0): number {
  const { ids, deps, dur, idx } = g;
  const tail: number[] = [];
  for (let k = n - 1; k >= 0; k--) tail[k] = dur[k] + Math.max(0, ...ids.map((_, j) => (deps[j].includes(ids[k]) ? tail[j] : 0)));
  const byTail = (a: number, b: number) => tail[b] - tail[a] || (ids[a] < ids[b] ? -1 : 1);
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

/** The engine's order without estimates: longest chain of dependents (in items), then id. */
function itemCountOrder(g: Dag): (a: number, b: number) => number {
  const { ids, deps } = g;
  const chain: number[] = [];
  for (let k = n - 1; k >= 0; k--) chain[k] = 1 + Math.max(0, ...ids.map((_, j) => (deps[j].includes(ids[k]) ? chain[j] : 0)));
  return (a, b) => chain[b] - chain[a] || (ids[a] < ids[b] ? -1 : 1);
}

/** Waves: the ready set starts (P at a time, longest first), the next wave waits for all of it. */
function waveSchedule(g: Dag): number {
  const { ids, deps, dur } = g;
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
async function printBreakdown(g: Dag, epicId: string): Promise<number> {
  const { ids, deps, dur, idx } = g;
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
  const sim = (order: ((a: number, b: number) => number) | undefined, o: number) => `${(listSchedule(g, order, o) / g.lower).toFixed(2)}x`;
  console.log(`  the engine's order simulated, with estimates / without: no overhead ${sim(undefined, 0)} / ${sim(itemCountOrder(g), 0)}; with this run's median slot time beyond the session (${overhead} ms) ${sim(undefined, overhead)} / ${sim(itemCountOrder(g), overhead)}`);
  const busy = lives.reduce((a, l) => a + l.slotEnd - l.start, 0);
  console.log(`  slots busy ${(busy / 1000).toFixed(1)} s of ${((P * (Math.max(...slotEnds) - lives[0].start)) / 1000).toFixed(1)} s (sessions' own time ${(g.total / 1000).toFixed(1)} s)`);
  return overhead;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function runSeed(seed: number): Promise<number> {
  const g = randomDag(seed);
  const { ids, deps, dur } = g;
  const scenario = { items: Object.fromEntries(ids.map((id, k) => [id, { implement: { delayMs: dur[k] } }])) };
  const repo = makeRepo(`makespan-${seed}`);
  const items = ids.map((id, k) => item(id, deps[k], estimates ? { estimate: `${dur[k]}ms` } : {}));
  const plan = smallPlan(`makespan-${seed}`, repo, items, fakeAgent(scenario).command, { maxParallel: P, review: { enabled: false, maxRounds: 1 } });
  const t0 = performance.now();
  const result: EpicResult = await env.client.workflow.execute('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });
  const makespan = performance.now() - t0;
  const merged = result.items.filter((i) => i.state === 'merged').length;
  if (merged !== n) throw new Error(`${merged}/${n} merged`);
  console.log(`seed ${seed}: ${n} items, sessions 3–9 s (${s(g.total)} in all), maxParallel ${P}, ${estimates ? 'estimates in the plan' : 'no estimates'}; critical path ${s(g.critical)}`);
  console.log(`  lower bound max(critical path, work/P) ${s(g.lower)}; ideal list schedule ${s(listSchedule(g))} (${(listSchedule(g) / g.lower).toFixed(2)}x); wave by wave ${s(waveSchedule(g))}`);
  console.log(`  epic: ${s(makespan)} = ${(makespan / g.lower).toFixed(2)}x the lower bound, ${(makespan / waveSchedule(g)).toFixed(2)}x the waves`);
  await printBreakdown(g, plan.epicId);
  return makespan / g.lower;
}

const env = await startTestEnv();
const workers = await startWorkers(env, { maxSessions: P });
try {
  const ratios: number[] = [];
  for (const seed of seeds) ratios.push(await runSeed(seed));
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(`makespan / lower bound over seeds ${seeds.join(', ')}: ${ratios.map((r) => r.toFixed(2)).join(', ')}; median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)}x (goal 1.15x)`);
} finally {
  await workers.stop();
  await env.teardown();
}
