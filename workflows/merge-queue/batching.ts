/**
 * Which requests the merge queue tests together next, and what it learns from the answer (issue 15). Pure and
 * deterministic: the workflow keeps the state and carries it across continue-as-new.
 *
 * A batch is the head of the queue and the requests right behind it with the same target and gates, up to the
 * adaptive size (+1 after a green batch, halved after a red one, between 1 and the head's `mergeBatch`). A red batch
 * is tried once more as it is (a flaky test), then bisected: the first half of the suspects is tested on the tip;
 * when it passes it lands and the suspects shrink to the rest, when it fails the suspects shrink to it. A single
 * suspect is the culprit: `gate_failed`, as today. A single suspect left after its predecessors landed is already
 * proven to fail on the tip they made, so the gates do not run again while the tip is still there.
 */
import type { GateFailure, MergeRequest, StackInput, StackResult } from '../../common/merge';

export const DEFAULT_MERGE_BATCH = 8;
/** Requests looked at when a batch is formed (a bound on the activity's input, whatever a plan says). */
const MAX_BATCH = 100;

export interface BatchState {
  /** The adaptive batch size. */
  size: number;
  /** Requests (ids, queue order) proven to fail the gates together on `base`: a culprit is among them. */
  suspects?: { ids: string[]; base: string; failure: GateFailure };
  /** A batch that failed once and is tried again as it is before it is split. */
  retry?: string[];
}

export interface Batch {
  input: StackInput;
  bisecting: boolean;
}

export function maxBatchOf(req: MergeRequest): number {
  return Math.max(1, Math.min(MAX_BATCH, req.mergeBatch ?? DEFAULT_MERGE_BATCH));
}

const sameLane = (a: MergeRequest, b: MergeRequest) =>
  a.repoPath === b.repoPath && a.targetBranch === b.targetBranch && a.gateTimeout === b.gateTimeout && JSON.stringify(a.mergeGates) === JSON.stringify(b.mergeGates);

const startsWith = (run: MergeRequest[], ids: string[]) => ids.length <= run.length && ids.every((id, i) => run[i].requestId === id);

/** The next batch from the head of `waiting` (not empty). */
export function nextBatch(waiting: MergeRequest[], state: BatchState): Batch {
  const head = waiting[0];
  const max = maxBatchOf(head);
  const run: MergeRequest[] = [];
  for (const r of waiting) {
    if (run.length >= MAX_BATCH || !sameLane(head, r)) break;
    run.push(r);
  }
  const { suspects, retry } = state;
  if (suspects && startsWith(run, suspects.ids)) {
    if (suspects.ids.length === 1) return { input: { requests: [head], knownFailure: { tip: suspects.base, failure: suspects.failure } }, bisecting: true };
    return { input: { requests: run.slice(0, Math.floor(suspects.ids.length / 2)) }, bisecting: true };
  }
  if (retry && startsWith(run, retry)) return { input: { requests: run.slice(0, retry.length) }, bisecting: false };
  return { input: { requests: run.slice(0, Math.max(1, Math.min(state.size, max))) }, bisecting: false };
}

export interface Learned {
  state: BatchState;
  /** The culprit, when the search ended on one request. */
  culprit?: { requestId: string; failure: GateFailure };
}

const halve = (n: number) => Math.max(1, Math.ceil(n / 2));

/** The state after `result` of `batch`; `max` is the head's `mergeBatch`. */
export function learn(state: BatchState, batch: Batch, result: StackResult, max: number): Learned {
  const stack = result.stack;
  if (stack.status === 'held' || stack.status === 'none') return { state };
  const failure = stack.status === 'gate_failed' ? { gate: stack.gate, outputTail: stack.outputTail, logPath: stack.logPath } : undefined;
  if (!failure) {
    if (!batch.bisecting) return { state: { size: Math.min(max, state.size + 1) } };
    // A prefix of the suspects landed: the rest still fails on the tip it made, if exactly that prefix landed.
    const tested = batch.input.requests.map((r) => r.requestId);
    const done = new Set(result.outcomes.map((o) => o.requestId));
    const rest = state.suspects?.ids.filter((id) => !done.has(id)) ?? [];
    const exact = tested.every((id) => done.has(id)) && stack.status === 'merged';
    return { state: { size: state.size, suspects: exact && rest.length && stack.status === 'merged' ? { ids: rest, base: stack.tip, failure: state.suspects!.failure } : undefined } };
  }
  const tested = result.stacked;
  if (tested.length === 1) return { state: { size: batch.bisecting ? state.size : halve(state.size) }, culprit: { requestId: tested[0], failure } };
  const isRetry = state.retry !== undefined && state.retry.length === tested.length && state.retry.every((id, i) => tested[i] === id);
  if (!batch.bisecting && !isRetry) return { state: { size: state.size, retry: tested } };
  return { state: { size: batch.bisecting ? state.size : halve(state.size), suspects: { ids: tested, base: result.base, failure } } };
}
