/**
 * Makespan (issue 15): seeded random DAGs of N items with simulated sessions of 3–9 s at `maxParallel` P, each run
 * as an epic (review off, the simulated agent sleeping each item's duration), against the lower bound
 * max(critical path, total work / P), an ideal list schedule of the same DAG and durations with no overhead, and a
 * wave-by-wave schedule (start the ready set, wait for all of it, P at a time). By default the plan gives each item
 * its duration as its `estimate` (as a plan's author would, here exactly); `--no-estimates` leaves them out, so the
 * engine orders ready items by the chain of dependents counted in items. Several seeds in one run; the median ratio.
 *
 *   npx tsx bench/makespan.ts [--n 30] [--p 4] [--seeds 1,2,3,4,5] [--no-estimates] [--steps]
 */
import { epicWorkflowId, itemWorkflowId, TASK_QUEUE } from '../common/ids';
import type { EpicResult } from '../common/status';
import { startTestEnv, startWorkers } from '../test/helpers/temporal';
import { makeRepo } from '../test/helpers/repo';
import { fakeAgent } from '../test/helpers/agent';
import { item, smallPlan } from '../test/helpers/epics';
import { flagOption, numberOption, option } from './args';
import { cpuMeter } from './cpu';
import { type Event, itemLife, median, stepDurations } from './history-steps';
import { criticalPathLengths, readyItems, type DagNode } from '../common/dag';

const n = numberOption('n', 30);
const P = numberOption('p', 4);
const seeds = option('seeds', option('seed', '1,2,3,4,5')).split(',').map(Number);
const estimates = !flagOption('no-estimates');
const steps = flagOption('steps');

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

/** The DAG as the engine sees it: with each item's duration as its estimate, or without estimates. */
function dagNodes(g: Dag, withEstimates: boolean): DagNode[] {
  return g.ids.map((id, k) => ({ id, dependsOn: g.deps[k], ...(withEstimates && { estimate: `${g.dur[k]}ms` }) }));
}

/**
 * Greedy list schedule with P slots, in the engine's own dispatch order (common/dag.ts): whenever a slot is free, the
 * first ready item by priority, critical path and id starts. With exact estimates that is the classic longest-tail
 * list schedule (the "ideal" one); each item takes `overheadMs` more than its session.
 */
function listSchedule(g: Dag, withEstimates = true, overheadMs = 0): number {
  const nodes = dagNodes(g, withEstimates);
  const critical = criticalPathLengths(nodes);
  const done = new Map<string, number>();
  const running: { id: string; end: number }[] = [];
  let t = 0;
  while (done.size < n) {
    const ready = readyItems(nodes, critical, (id) => !done.has(id) && !running.some((r) => r.id === id), (id) => (done.get(id) ?? Infinity) <= t);
    for (const it of ready.slice(0, P - running.length)) running.push({ id: it.id, end: t + g.dur[g.idx.get(it.id)!] + overheadMs });
    running.sort((a, b) => a.end - b.end);
    const next = running.shift()!;
    t = next.end;
    done.set(next.id, t);
  }
  return t;
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

/**
 * Where each item's slot time goes besides its simulated session, and how long a ready item waits for its start.
 * `t0`, `t1`: the epic's start and result, as wall-clock milliseconds (the histories' clock).
 */
async function printBreakdown(g: Dag, epicId: string, t0: number, t1: number): Promise<void> {
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
  const sim = (withEstimates: boolean, o: number) => `${(listSchedule(g, withEstimates, o) / g.lower).toFixed(2)}x`;
  console.log(`  the engine's order simulated, with estimates / without: no overhead ${sim(true, 0)} / ${sim(false, 0)}; with this run's median slot time beyond the session (${overhead} ms) ${sim(true, overhead)} / ${sim(false, overhead)}`);
  if (steps) {
    for (const [label, xs] of stepDurations(lives)) console.log(`    ${String(median(xs)).padStart(6)} ms ×${(xs.length / n).toFixed(1)}  ${label}`);
  }
  const first = Math.min(...lives.map((l) => l.start));
  console.log(`  fixed costs: the epic's start → its first item ${Math.round(first - t0)} ms; the last "merged" report → the epic's result ${Math.round(t1 - slotEnds[slotEnds.length - 1])} ms`);
  const busy = lives.reduce((a, l) => a + l.slotEnd - l.start, 0);
  console.log(`  slots busy ${(busy / 1000).toFixed(1)} s of ${((P * (Math.max(...slotEnds) - lives[0].start)) / 1000).toFixed(1)} s (sessions' own time ${(g.total / 1000).toFixed(1)} s)`);
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function runSeed(seed: number): Promise<number> {
  const g = randomDag(seed);
  const { ids, dur } = g;
  const scenario = { items: Object.fromEntries(ids.map((id, k) => [id, { implement: { delayMs: dur[k] } }])) };
  const repo = makeRepo(`makespan-${seed}`);
  const items = dagNodes(g, estimates).map((d) => item(d.id, d.dependsOn, d.estimate ? { estimate: d.estimate } : {}));
  const plan = smallPlan(`makespan-${seed}`, repo, items, fakeAgent(scenario).command, { maxParallel: P, review: { enabled: false, maxRounds: 1 } });
  const t0 = performance.now();
  const cpu = cpuMeter();
  const result: EpicResult = await env.client.workflow.execute('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });
  const makespan = performance.now() - t0;
  const cpuUse = cpu();
  const merged = result.items.filter((i) => i.state === 'merged').length;
  if (merged !== n) throw new Error(`${merged}/${n} merged`);
  console.log(`seed ${seed}: ${n} items, sessions 3–9 s (${s(g.total)} in all), maxParallel ${P}, ${estimates ? 'estimates in the plan' : 'no estimates'}; critical path ${s(g.critical)}`);
  console.log(`  lower bound max(critical path, work/P) ${s(g.lower)}; ideal list schedule ${s(listSchedule(g))} (${(listSchedule(g) / g.lower).toFixed(2)}x); wave by wave ${s(waveSchedule(g))}`);
  console.log(`  epic: ${s(makespan)} = ${(makespan / g.lower).toFixed(2)}x the lower bound, ${(makespan / waveSchedule(g)).toFixed(2)}x the waves; ${cpuUse}`);
  await printBreakdown(g, plan.epicId, performance.timeOrigin + t0, performance.timeOrigin + t0 + makespan);
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
