/**
 * The merge queue's batch and bisection rules (workflows/merge-queue/batching.ts) against a simulated repository
 * whose gate fails exactly the stacks that contain a bad item: over many random queues, every landed stack is green,
 * the culprits found are exactly the bad items, every innocent item merges once, and batching never costs more
 * gate runs than a serialized queue plus the bisection's bound.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MergeOutcome, MergeRequest, StackInput, StackResult } from '../../common/merge';
import { afterLanding, batchWait, judgeProbes, learnBatch, MAX_BATCH, maxBatchOf, nextPlan, type BatchState } from '../../workflows/merge-queue/batching';

const req = (i: number, mergeBatch?: number): MergeRequest => ({
  requestId: `r${i}`,
  epicId: 'e',
  itemId: `i${i}`,
  title: `t${i}`,
  repoPath: '/repo',
  targetBranch: 'main',
  branch: `b${i}`,
  replyTo: 'x',
  mergeGates: ['test'],
  gateTimeout: '1m',
  holdRetry: '30s',
  mergeBatch,
});

/** Runs the queue's loop (as mergeQueueWorkflow does) to the end; `rounds` counts sequential gate rounds. */
function simulate(n: number, bad: Set<number>, opts: { max?: number; flakyFirst?: boolean } = {}) {
  const waiting = Array.from({ length: n }, (_, i) => req(i + 1, opts.max));
  let state: BatchState = { size: MAX_BATCH };
  let tip = 'c0';
  let runs = 0;
  let rounds = 0; // rounds in which gates ran (the probes of a round run in parallel)
  let flaky = opts.flakyFirst ?? false;
  const landed: string[][] = [];
  const outcomes = new Map<string, MergeOutcome['status']>();
  const isRed = (ids: string[]) => ids.some((id) => bad.has(Number(id.slice(1))));
  const mergeStack = (input: StackInput): StackResult => {
    const stacked = input.requests.map((r) => r.requestId);
    const base = tip;
    const red = isRed(stacked);
    let fails: boolean;
    if (input.knownFailure?.tip === tip) {
      assert.ok(red, `a stack inferred red is red: ${stacked}`);
      fails = true;
    } else if (input.knownGood?.tip === tip) {
      assert.ok(!red, `a stack published as known good is green: ${stacked}`);
      fails = false;
    } else {
      runs++;
      fails = red || flaky;
      flaky = false;
    }
    if (fails) return { base, outcomes: [], stacked, stack: { status: 'gate_failed', gate: 'test', outputTail: '', logPath: '' } };
    if (input.publish === false) return { base, outcomes: [], stacked, stack: { status: 'passed', tip: `p-${stacked.join('-')}` } };
    tip = `c${landed.length + 1}`;
    landed.push(stacked);
    return { base, outcomes: stacked.map((id) => ({ requestId: id, outcome: { status: 'merged', commit: tip, alreadyMerged: false } })), stacked, stack: { status: 'merged', tip } };
  };
  const apply = (r: StackResult) => {
    for (const o of r.outcomes) {
      outcomes.set(o.requestId, o.outcome.status);
      waiting.splice(waiting.findIndex((w) => w.requestId === o.requestId), 1);
    }
  };
  for (let guard = 0; waiting.length; guard++) {
    assert.ok(guard < 10 * n + 10, 'the queue makes progress');
    const plan = nextPlan(waiting, state);
    const before = runs;
    if (plan.kind === 'batch') {
      assert.ok(plan.input.requests.length <= maxBatchOf(waiting[0]));
      const result = mergeStack(plan.input);
      apply(result);
      if (runs > before) rounds++;
      const l = learnBatch(state, plan.bisecting, result, maxBatchOf(plan.input.requests[0]));
      state = l.state;
      if (l.culprit) {
        outcomes.set(l.culprit.requestId, 'gate_failed');
        waiting.splice(waiting.findIndex((w) => w.requestId === l.culprit!.requestId), 1);
      }
      continue;
    }
    const results = plan.inputs.map(mergeStack);
    if (runs > before) rounds++;
    const judged = judgeProbes(state, plan.inputs, results);
    const size = state.size;
    let culprit = judged.culprit;
    state = { size, suspects: culprit ? undefined : judged.known };
    if (judged.publish) {
      const published = mergeStack(judged.publish);
      apply(published);
      const l = published.stack.status === 'merged' ? afterLanding(state, published.stacked, published.base, published.stack.tip) : { state };
      state = l.state;
      culprit = l.culprit;
    }
    if (culprit) {
      outcomes.set(culprit.requestId, 'gate_failed');
      waiting.splice(waiting.findIndex((w) => w.requestId === culprit!.requestId), 1);
    }
  }
  return { runs, rounds, landed, outcomes };
}

/** A small seeded generator (the test is reproducible). */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('merge batching', () => {
  it('all green: batches of up to 8, one gate run each', () => {
    const r = simulate(20, new Set());
    assert.equal(r.runs, 3);
    assert.deepEqual(r.landed.map((s) => s.length), [8, 8, 4]);
  });

  it('one culprit among 20: found, everything else merges, in far fewer rounds of gate runs than 20', () => {
    for (let c = 1; c <= 20; c++) {
      const r = simulate(20, new Set([c]));
      assert.equal(r.outcomes.get(`r${c}`), 'gate_failed', `culprit ${c}`);
      assert.equal([...r.outcomes.values()].filter((s) => s === 'merged').length, 19);
      assert.ok(r.rounds <= 6, `culprit ${c}: ${r.rounds} rounds of gate runs`);
      if (process.env.SHOW_RUNS) console.log(`culprit ${c}: ${r.runs} runs in ${r.rounds} rounds`);
    }
  });

  it('a flaky first run: the batch retried as a whole lands whole', () => {
    const r = simulate(5, new Set(), { flakyFirst: true });
    assert.equal(r.rounds, 2, 'the retry runs in the first search round, beside the probes');
    assert.deepEqual(r.landed, [['r1', 'r2', 'r3', 'r4', 'r5']]);
  });

  it('mergeBatch 1: one request per run, like a serialized queue', () => {
    const r = simulate(6, new Set([2]), { max: 1 });
    assert.equal(r.runs, 6);
    assert.ok(r.landed.every((s) => s.length === 1));
  });

  it('random queues and culprits: landed stacks are green, culprits exact, every item decided once', () => {
    const next = rng(7);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(next() * 30);
      const bad = new Set(Array.from({ length: n }, (_, i) => i + 1).filter(() => next() < 0.15));
      const max = 1 + Math.floor(next() * 10);
      const r = simulate(n, bad, { max });
      for (const s of r.landed) assert.ok(s.every((id) => !bad.has(Number(id.slice(1)))), 'every landed stack is green');
      assert.equal(r.outcomes.size, n);
      for (let i = 1; i <= n; i++) assert.equal(r.outcomes.get(`r${i}`), bad.has(i) ? 'gate_failed' : 'merged');
      const order = r.landed.flat().map((id) => Number(id.slice(1)));
      assert.deepEqual(order, [...order].sort((a, b) => a - b), 'queue order');
    }
  });

  it("a batch behind merge gates that is not full waits for more, from its head's arrival, up to mergeBatch.wait", () => {
    const full: BatchState = { size: MAX_BATCH };
    const three = [req(1), req(2), req(3)];
    assert.deepEqual(batchWait(three, full, 10_000, 10_400), { ms: 600, fill: 8 }, 'the default 1s from the head');
    assert.equal(batchWait(three, full, 10_000, 12_000).ms, 0, 'waited long enough');
    assert.equal(batchWait([{ ...req(1), mergeBatchWait: '5s' }, req(2)], full, 0, 1000).ms, 4000, 'the plan sets it');
    assert.equal(batchWait(Array.from({ length: 8 }, (_, i) => req(i + 1)), full, 10_000, 10_000).ms, 0, 'full: no wait');
    assert.equal(batchWait([{ ...req(1), mergeGates: [] }], full, 10_000, 10_000).ms, 0, 'no gates: merges are fast, no wait');
    assert.equal(batchWait([req(1, 1)], full, 10_000, 10_000).ms, 0, 'mergeBatch 1: nothing to gather');
    assert.equal(batchWait(three, { size: 2 }, 10_000, 10_000).ms, 0, 'the adaptive size is what fills it');
    const searching: BatchState = { size: 4, suspects: { ids: ['r1', 'r2'], base: 'c1', failure: { gate: 'test', outputTail: '', logPath: '' }, retried: false } };
    assert.equal(batchWait(three, searching, 10_000, 10_000).ms, 0, 'never while searching for a culprit');
    assert.equal(batchWait(three, full, undefined, 10_000).ms, 0, 'a request carried over continue-as-new has waited');
  });
});
