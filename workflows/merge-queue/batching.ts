/**
 * Which requests the merge queue tests together next, and what it learns from the answers (issue 15). Pure and
 * deterministic: the workflow keeps the state and carries it across continue-as-new.
 *
 * A batch is the head of the queue and the requests right behind it with the same target and gates, up to the
 * adaptive size (doubled after a green batch, halved after a red one, between 1 and the head's `mergeBatch`); it is
 * stacked, gated once on its top and published at once. A red batch becomes the suspects of a search: each round
 * tests nested prefixes of the suspects in parallel (probes, never published), together with the whole batch once
 * more in the first round (a flaky test); the longest passing prefix lands, the suspects shrink to the requests up
 * to the shortest failing prefix after it. A single suspect left after its predecessors landed is already proven to
 * fail on the tip they made: it is the culprit (`gate_failed`, as today) without running the gates again while the
 * tip is still there. Innocent requests are never sent back.
 */
import { parseDuration } from '../../common/durations';
import type { GateFailure, MergeRequest, StackInput, StackResult } from '../../common/merge';

export const DEFAULT_MERGE_BATCH = 8;
/** With merge gates, how long a batch that is not full waits for more requests (`settings.mergeBatch.wait`). */
export const DEFAULT_BATCH_WAIT = '1s';
/** Requests looked at when a batch is formed (a bound on the activity's input, whatever a plan says). */
export const MAX_BATCH = 100;
/** Prefixes of the suspects tested at once in a search round (besides the retry of the whole batch). */
export const PARALLEL_PROBES = 3;

export interface Suspects {
  /** Request ids, queue order, proven to fail the gates together on `base`: a culprit is among them. */
  ids: string[];
  base: string;
  failure: GateFailure;
  /** Whether the whole red batch was tried once more (it may have failed on a flaky test). */
  retried: boolean;
}

export interface BatchState {
  /** The adaptive batch size. */
  size: number;
  suspects?: Suspects;
}

/** One activity call that may publish, or several probes run in parallel (a search round). */
export type Plan = { kind: 'batch'; input: StackInput; bisecting: boolean } | { kind: 'probes'; inputs: StackInput[] };

/**
 * The largest batch for requests like `req`. The limit bounds what a red batch costs to bisect; without merge gates
 * nothing is bisected (a conflict only ends the stack), so any batching request stacks all that wait.
 */
export function maxBatchOf(req: MergeRequest): number {
  const max = Math.max(1, Math.min(MAX_BATCH, req.mergeBatch ?? DEFAULT_MERGE_BATCH));
  return max > 1 && req.mergeGates.length === 0 ? MAX_BATCH : max;
}

const sameLane = (a: MergeRequest, b: MergeRequest) =>
  a.repoPath === b.repoPath && a.targetBranch === b.targetBranch && a.gateTimeout === b.gateTimeout && JSON.stringify(a.mergeGates) === JSON.stringify(b.mergeGates);

const startsWith = (run: MergeRequest[], ids: string[]) => ids.length <= run.length && ids.every((id, i) => run[i].requestId === id);

/** Prefix lengths (1..n-1) a search round tests: evenly spread, at most `k`. */
export function splitPoints(n: number, k = PARALLEL_PROBES): number[] {
  const points = new Set<number>();
  for (let j = 1; j <= k; j++) points.add(Math.max(1, Math.min(n - 1, Math.round((j * n) / (k + 1)))));
  return [...points].sort((a, b) => a - b);
}

/** The head of `waiting` and the requests right behind it that may share its batch. */
function laneRun(waiting: MergeRequest[]): MergeRequest[] {
  const run: MergeRequest[] = [];
  for (const r of waiting) {
    if (run.length >= MAX_BATCH || !sameLane(waiting[0], r)) break;
    run.push(r);
  }
  return run;
}

/**
 * Before a batch that is not full: how long to wait for more requests (ms, from the head's arrival at `arrivedAt`)
 * and how many would fill it. Only behind merge gates, where one run for more requests is the point (without
 * gates a merge takes milliseconds); never in a search, and not for a head whose arrival is unknown (a request
 * carried over continue-as-new has waited already).
 */
export function batchWait(waiting: MergeRequest[], state: BatchState, arrivedAt: number | undefined, now: number): { ms: number; fill: number } {
  const head = waiting[0];
  const fill = Math.min(state.size, maxBatchOf(head));
  if (!head.mergeGates.length || fill <= 1 || state.suspects || arrivedAt === undefined || laneRun(waiting).length >= fill) return { ms: 0, fill };
  return { ms: Math.max(0, arrivedAt + parseDuration(head.mergeBatchWait ?? DEFAULT_BATCH_WAIT) - now), fill };
}

/** What to test next from the head of `waiting` (not empty). */
export function nextPlan(waiting: MergeRequest[], state: BatchState): Plan {
  const head = waiting[0];
  const run = laneRun(waiting);
  const s = state.suspects;
  if (s && startsWith(run, s.ids)) {
    if (s.ids.length === 1) return { kind: 'batch', input: { requests: [head], knownFailure: { tip: s.base, failure: s.failure } }, bisecting: true };
    // Two suspects, the batch already retried: the first alone, published if it passes (then the second is the culprit).
    if (s.ids.length === 2 && s.retried) return { kind: 'batch', input: { requests: [head] }, bisecting: true };
    const lengths = [...splitPoints(s.ids.length), ...(s.retried ? [] : [s.ids.length])];
    return { kind: 'probes', inputs: lengths.map((n) => ({ requests: run.slice(0, n), publish: false })) };
  }
  return { kind: 'batch', input: { requests: run.slice(0, Math.max(1, Math.min(state.size, maxBatchOf(head)))) }, bisecting: false };
}

const halve = (n: number) => Math.max(1, Math.ceil(n / 2));
const failureOf = (r: StackResult): GateFailure | undefined => (r.stack.status === 'gate_failed' ? { gate: r.stack.gate, outputTail: r.stack.outputTail, logPath: r.stack.logPath } : undefined);

export interface Learned {
  state: BatchState;
  /** The culprit, when the search ended on one request. */
  culprit?: { requestId: string; failure: GateFailure };
}

/** After a `batch` plan: grow on green; a red batch of several becomes the suspects; a red one alone is the culprit. */
export function learnBatch(given: BatchState, bisecting: boolean, result: StackResult, max: number): Learned {
  const state = { ...given, size: Math.min(given.size, max) };
  const failure = failureOf(result);
  if (result.stack.status === 'merged' && bisecting) return afterLanding(state, result.stacked, result.base, result.stack.tip);
  if (result.stack.status === 'merged') return { state: { size: Math.min(max, state.size * 2) } };
  if (!failure) return { state }; // held, or nothing to stack: nothing learned
  const tested = result.stacked;
  if (tested.length === 1) return { state: { size: bisecting ? state.size : halve(state.size) }, culprit: { requestId: tested[0], failure } };
  return { state: { size: halve(state.size), suspects: { ids: tested, base: result.base, failure, retried: false } } };
}

/**
 * The suspects after the prefix `landed` (tested on `base`) made `tip`: the rest, proven red on `tip` when exactly
 * that prefix landed where it was tested; a single one left is the culprit.
 */
export function afterLanding(state: BatchState, landed: string[], base: string, tip: string): Learned {
  const s = state.suspects;
  const exact = s && s.base === base && landed.length < s.ids.length && landed.every((id, i) => s.ids[i] === id);
  if (!exact) return { state: { size: state.size } };
  const ids = s.ids.slice(landed.length);
  if (ids.length === 1) return { state: { size: state.size }, culprit: { requestId: ids[0], failure: s.failure } };
  return { state: { size: state.size, suspects: { ...s, ids, base: tip, retried: true } } };
}

export interface Judged {
  /** Publish this passing prefix (its probe's tip is `knownGood`). */
  publish?: StackInput;
  /** What the round proved: these requests fail together on `base` (then `afterLanding` of `publish`). */
  known?: Suspects;
  /** Proven without publishing anything: the first failing prefix is one request longer than nothing. */
  culprit?: Learned['culprit'];
  held?: string;
}

/** After a round of probes: the longest passing prefix lands; the suspects shrink to the failing part after it. */
export function judgeProbes(state: BatchState, inputs: StackInput[], results: StackResult[]): Judged {
  const s = state.suspects!;
  const held = results.find((r) => r.stack.status === 'held');
  if (held && held.stack.status === 'held') return { held: held.stack.reason, known: s };
  // A probe that met anything but a clean stack (a request decided, a conflict cut it): start over with batches.
  if (results.some((r, i) => r.outcomes.length || r.stacked.length !== inputs[i].requests.length || r.base !== results[0].base)) return {};
  let passed = 0;
  for (const r of results) if (r.stack.status === 'passed') passed = Math.max(passed, r.stacked.length);
  let failed = s.ids.length;
  let failure = s.failure;
  for (const r of results) {
    const f = failureOf(r);
    if (f && r.stacked.length > passed && r.stacked.length <= failed) [failed, failure] = [r.stacked.length, f];
  }
  const winner = results.findIndex((r) => r.stack.status === 'passed' && r.stacked.length === passed);
  const publish = passed ? { requests: inputs[winner].requests, knownGood: { tip: results[0].base } } : undefined;
  const ids = s.ids.slice(passed, failed);
  // What the search knows once `publish` has landed: `failed` requests from the old base fail together.
  const known: Suspects = { ids: s.ids.slice(0, failed), base: results[0].base, failure, retried: true };
  if (!passed) return { known, culprit: ids.length === 1 ? { requestId: ids[0], failure } : undefined };
  return { publish, known };
}

/** How many requests wait in the head's lane (up to MAX_BATCH). */
export const laneLength = (waiting: MergeRequest[]) => laneRun(waiting).length;
