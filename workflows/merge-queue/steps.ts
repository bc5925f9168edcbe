/**
 * One step of the merge queue: the next batch (or search round) through the `mergeStack` activity, or, for queues
 * recorded before batches, the next request alone through `mergeBranch` (the same commands as then).
 */
import type { MergeOutcome, MergeRequest, StackInput, StackResult } from '../../common/merge';
import { patched } from '@temporalio/workflow';
import { legacyMergeActivities, localMergeActivities, mergeActivities } from '../activity-options';
import { condition } from '@temporalio/workflow';
import { afterLanding, batchWait, judgeProbes, laneLength, learnBatch, maxBatchOf, nextPlan, type Learned } from './batching';
import type { QueueCore } from './queue';

/**
 * A local repository's stack without merge gates is a few git commands: since 'local-merges' it runs as a local
 * activity on the queue's own worker (issue 15: no server round trip). Gates, and remotes, keep a heartbeating one.
 */
function stackActivities(head: MergeRequest) {
  if (!head.url && !head.mergeGates.length && patched('local-merges')) return localMergeActivities();
  return mergeActivities(head);
}

async function callStack(stackInput: StackInput): Promise<StackResult> {
  try {
    const head = stackInput.requests[0];
    const acts = stackActivities(head);
    // A queue of a git remote (issue 12) merges on a host's mirror of it and publishes by compare-and-swap push.
    return await (head.url ? acts.mergeRemoteStack(stackInput) : acts.mergeStack(stackInput));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { base: '', outcomes: stackInput.requests.map((r) => ({ requestId: r.requestId, outcome: { status: 'error', message } })), stacked: [], stack: { status: 'none' } };
  }
}

/** The culprit of a red batch: today's `gate_failed`, with the output of the run that proved it. */
function blame(q: QueueCore, culprit: NonNullable<Learned['culprit']>, startedAt: number): void {
  const req = q.waiting.find((r) => r.requestId === culprit.requestId);
  if (req) q.finish(req, { status: 'gate_failed', ...culprit.failure }, startedAt);
}

/** Decided outcomes, then what the batch taught; a hold is announced and waited out. */
async function applyStack(q: QueueCore, requests: MergeRequest[], result: StackResult, startedAt: number, learned: () => Learned): Promise<void> {
  const byId = new Map(requests.map((r) => [r.requestId, r]));
  for (const { requestId, outcome } of result.outcomes) {
    const req = byId.get(requestId);
    if (req && q.waiting.includes(req)) q.finish(req, outcome, startedAt);
  }
  const l = learned();
  q.batchState = l.state;
  if (l.culprit) blame(q, l.culprit, startedAt);
  if (result.stack.status === 'held') await q.hold(requests, result.stack.reason, startedAt);
}

/** A search round: probes in parallel, then the longest passing prefix published. */
async function probeRound(q: QueueCore, inputs: StackInput[], startedAt: number): Promise<void> {
  const results = await Promise.all(inputs.map(callStack));
  const judged = judgeProbes(q.batchState, inputs, results);
  if (judged.held) return q.hold(inputs[inputs.length - 1].requests, judged.held, startedAt);
  const size = q.batchState.size;
  if (!judged.publish) {
    q.batchState = { size, suspects: judged.culprit ? undefined : judged.known };
    if (judged.culprit) blame(q, judged.culprit, startedAt);
    return;
  }
  const published = await callStack(judged.publish);
  q.batchState = { size, suspects: judged.known };
  await applyStack(q, judged.publish.requests, published, startedAt, () =>
    published.stack.status === 'merged' ? afterLanding(q.batchState, published.stacked, published.base, published.stack.tip) : { state: q.batchState },
  );
}

/**
 * A batch behind merge gates that is not full waits a moment (`mergeBatch.wait`) for requests that are on their
 * way: items that finish together then share one gate run. Since 'batch-wait'.
 */
async function gatherBatch(q: QueueCore): Promise<void> {
  const head = q.waiting[0];
  const { ms, fill } = batchWait(q.waiting, q.batchState, q.arrivalOf(head.requestId), Date.now());
  if (ms <= 0 || !patched('batch-wait')) return;
  const before = q.current;
  q.current = { request: head, since: Date.now(), note: `gathering a batch: waiting up to ${Math.ceil(ms / 1000)} s for more requests` };
  await condition(() => laneLength(q.waiting) >= fill || q.waiting[0] !== head, ms);
  q.current = before;
}

export async function stackStep(q: QueueCore): Promise<void> {
  await gatherBatch(q);
  if (!q.waiting.length) return;
  const plan = nextPlan(q.waiting, q.batchState);
  const requests = plan.kind === 'batch' ? plan.input.requests : plan.inputs[plan.inputs.length - 1].requests;
  const head = requests[0];
  const startedAt = Date.now();
  q.current = { request: head, since: startedAt, note: q.current?.request === head ? q.current.note : undefined };
  const bisecting = plan.kind === 'probes' || plan.bisecting;
  q.underTest = { itemIds: requests.map((r) => r.itemId), size: Math.min(q.batchState.size, maxBatchOf(head)), bisecting };
  q.recheck = false; // a recheck sent from here on (while this attempt looks at the checkout) wakes a hold at once
  if (plan.kind === 'probes') await probeRound(q, plan.inputs, startedAt);
  else {
    const result = await callStack(plan.input);
    await applyStack(q, requests, result, startedAt, () => learnBatch(q.batchState, plan.bisecting, result, maxBatchOf(head)));
  }
  if (!q.waiting.includes(head)) q.current = undefined;
  q.underTest = undefined;
}

export async function legacyStep(q: QueueCore): Promise<void> {
  const req = q.waiting[0];
  const startedAt = Date.now();
  q.current = { request: req, since: startedAt };
  q.recheck = false;
  let outcome: MergeOutcome;
  try {
    outcome = await legacyMergeActivities(req.heartbeatTimeout).mergeBranch(req);
  } catch (err) {
    outcome = { status: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  if (outcome.status === 'held') {
    q.current.note = outcome.reason;
    q.reply(req.replyTo, { requestId: req.requestId, outcome, startedAt, finishedAt: Date.now() });
    await q.waitOutHold(req.holdRetry);
    return;
  }
  q.current = undefined;
  q.finish(req, outcome, startedAt);
}
