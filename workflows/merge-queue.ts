/**
 * mergeQueueWorkflow (DESIGN §2): one per repository (`merge-queue/<repoKey>`), shared by every epic on it.
 * Requests arrive by `enqueue` signal (signal-with-start), are checked (a malformed one never fails the workflow
 * task), and are merged in arrival order, several at a time when they wait together (issue 15: one `mergeStack`
 * activity stacks them, gates the top once, publishes the stack at once; a red batch is retried, then bisected, see
 * merge-queue/batching.ts). Each requester gets its result by `mergeResult` signal. A request id seen before is
 * answered again, never merged twice. Continues-as-new with its waiting requests when Temporal suggests it.
 */
import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { enqueueSignal, mergeResultSignal, queueMergeResultQuery, queueStatusQuery, recheckSignal } from '../common/api';
import type { MergeOutcome, MergeQueueStatus, MergeRequest, MergeResult, StackInput, StackResult } from '../common/merge';
import { parseDuration } from '../common/durations';
import { legacyMergeActivities, mergeActivities } from './activity-options';
import { afterLanding, judgeProbes, learnBatch, MAX_BATCH, maxBatchOf, nextPlan, type BatchState } from './merge-queue/batching';
import { checkRequest } from './merge-queue/validate';

export interface MergeQueueInput {
  repoKey: string;
  repoPath: string;
  /** Carried across continue-as-new. */
  waiting?: MergeRequest[];
  results?: MergeResult[];
  recent?: MergeQueueStatus['recent'];
  batch?: BatchState;
  /** Tests lower this to exercise continue-as-new; otherwise Temporal's suggestion decides. */
  continueAsNewAfter?: number;
  /** The queue ends after this long with nothing to do; the next request starts it again. */
  idleTimeout?: string;
}

const RESULTS_KEPT = 500;
const RECENT_KEPT = 20;
/** Queues recorded before batches call `mergeBranch` per request (test/histories); new runs stack. */
const BATCHES_PATCH = 'merge-batches';

const durationOr = (text: string | undefined, fallback: string) => {
  try {
    return parseDuration(text ?? fallback);
  } catch {
    return parseDuration(fallback);
  }
};

export async function mergeQueueWorkflow(input: MergeQueueInput): Promise<void> {
  const batching = patched(BATCHES_PATCH);
  const waiting: MergeRequest[] = [...(input.waiting ?? [])];
  const results = new Map<string, MergeResult>((input.results ?? []).map((r) => [r.requestId, r]));
  let recent = [...(input.recent ?? [])];
  let batchState: BatchState = input.batch ?? { size: MAX_BATCH }; // capped by each batch's head
  const replies: { to: string; result: MergeResult }[] = [];
  let current: MergeQueueStatus['current'];
  let underTest: MergeQueueStatus['batch'];
  let recheck = false;
  let served = 0;

  setHandler(enqueueSignal, (raw: unknown) => {
    const checked = checkRequest(raw);
    if ('drop' in checked) return log.warn('malformed enqueue signal dropped', { reason: checked.drop });
    if ('reject' in checked) {
      const { requestId, replyTo, message } = checked.reject;
      log.warn('invalid merge request rejected', { requestId, message });
      if (!results.has(requestId)) remember({ requestId, outcome: { status: 'error', message }, startedAt: Date.now(), finishedAt: Date.now() });
      replies.push({ to: replyTo, result: results.get(requestId)! });
      return;
    }
    const req = checked.ok;
    const done = results.get(req.requestId);
    if (done) {
      replies.push({ to: req.replyTo, result: done }); // asked again: answer again
      return;
    }
    if (current?.request.requestId === req.requestId || waiting.some((w) => w.requestId === req.requestId)) return;
    waiting.push(req);
  });
  setHandler(recheckSignal, () => {
    recheck = true;
  });
  setHandler(queueStatusQuery, () => ({
    repoKey: input.repoKey,
    repoPath: input.repoPath,
    current,
    batch: underTest,
    waiting: waiting.filter((w) => w !== current?.request), // the head is shown as `current` while it is merged or held
    recent: [...recent],
  }));
  setHandler(queueMergeResultQuery, (requestId) => (typeof requestId === 'string' ? results.get(requestId) : undefined));

  // Replies go out without waiting for delivery, so the next merge starts at once; the queue only waits for them
  // before it ends or continues-as-new.
  let sending = 0;
  const reply = (to: string, result: MergeResult) => {
    sending++;
    getExternalWorkflowHandle(to)
      .signal(mergeResultSignal, result)
      .catch((err) => log.warn('requester is gone; result kept for a later ask', { to, requestId: result.requestId, error: String(err) }))
      .finally(() => sending--);
  };
  function remember(result: MergeResult) {
    results.set(result.requestId, result);
    while (results.size > RESULTS_KEPT) results.delete(results.keys().next().value!);
  }
  const flushReplies = () => {
    while (replies.length) {
      const r = replies.shift()!;
      reply(r.to, r.result);
    }
  };
  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested || (input.continueAsNewAfter !== undefined && served > 0 && served >= input.continueAsNewAfter);

  // Hold notices go out when the reason changes, not every retry interval (issue 11, point 4).
  const holdSent = new Map<string, string>();
  /** A final result for a waiting request: remembered, shown in `recent`, sent to its requester. */
  const finish = (req: MergeRequest, outcome: MergeOutcome, startedAt: number) => {
    const at = waiting.indexOf(req);
    if (at >= 0) waiting.splice(at, 1);
    holdSent.delete(req.requestId);
    const result: MergeResult = { requestId: req.requestId, outcome, startedAt, finishedAt: Date.now() };
    remember(result);
    const commit = outcome.status === 'merged' ? outcome.commit : undefined;
    recent = [...recent, { requestId: req.requestId, itemId: req.itemId, epicId: req.epicId, outcome: outcome.status, commit, at: result.finishedAt, startedAt }].slice(-RECENT_KEPT);
    reply(req.replyTo, result);
    served++;
  };

  /** Waits out a hold: until the retry interval passes or a `recheck` arrives, answering repeated asks meanwhile. */
  const waitOutHold = async (holdRetry: string) => {
    const until = Date.now() + durationOr(holdRetry, '30s');
    while (!recheck && Date.now() < until) {
      await condition(() => recheck || replies.length > 0, until - Date.now());
      flushReplies(); // repeated asks of finished requests need not wait for the hold
    }
  };

  /** The culprit of a red batch: today's `gate_failed`, with the output of the run that proved it. */
  const blame = (culprit: NonNullable<ReturnType<typeof learnBatch>['culprit']>, startedAt: number) => {
    const req = waiting.find((r) => r.requestId === culprit.requestId);
    if (req) finish(req, { status: 'gate_failed', ...culprit.failure }, startedAt);
  };

  /** Decided outcomes, then what the batch taught; a hold is announced and waited out. */
  const applyStack = async (requests: MergeRequest[], result: StackResult, startedAt: number, learned: () => ReturnType<typeof learnBatch>) => {
    const byId = new Map(requests.map((r) => [r.requestId, r]));
    for (const { requestId, outcome } of result.outcomes) {
      const req = byId.get(requestId);
      if (req && waiting.includes(req)) finish(req, outcome, startedAt);
    }
    const l = learned();
    batchState = l.state;
    if (l.culprit) blame(l.culprit, startedAt);
    if (result.stack.status === 'held') await hold(requests, result.stack.reason, startedAt);
  };

  const hold = async (requests: MergeRequest[], reason: string, startedAt: number) => {
    current!.note = reason;
    for (const req of requests.filter((r) => waiting.includes(r) && holdSent.get(r.requestId) !== reason)) {
      holdSent.set(req.requestId, reason);
      reply(req.replyTo, { requestId: req.requestId, outcome: { status: 'held', reason }, startedAt, finishedAt: Date.now() });
    }
    await waitOutHold(requests[0].holdRetry);
  };

  const callStack = async (stackInput: StackInput): Promise<StackResult> => {
    try {
      return await mergeActivities(stackInput.requests[0]).mergeStack(stackInput);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { base: '', outcomes: stackInput.requests.map((r) => ({ requestId: r.requestId, outcome: { status: 'error', message } })), stacked: [], stack: { status: 'none' } };
    }
  };

  /** A search round: probes in parallel, then the longest passing prefix published. */
  const probeRound = async (inputs: StackInput[], startedAt: number) => {
    const results = await Promise.all(inputs.map(callStack));
    const judged = judgeProbes(batchState, inputs, results);
    if (judged.held) return hold(inputs[inputs.length - 1].requests, judged.held, startedAt);
    const size = batchState.size;
    if (!judged.publish) {
      batchState = { size, suspects: judged.culprit ? undefined : judged.known };
      if (judged.culprit) blame(judged.culprit, startedAt);
      return;
    }
    const published = await callStack(judged.publish);
    batchState = { size, suspects: judged.known };
    await applyStack(judged.publish.requests, published, startedAt, () =>
      published.stack.status === 'merged' ? afterLanding(batchState, published.stacked, published.base, published.stack.tip) : { state: batchState },
    );
  };

  const stackStep = async () => {
    const plan = nextPlan(waiting, batchState);
    const requests = plan.kind === 'batch' ? plan.input.requests : plan.inputs[plan.inputs.length - 1].requests;
    const head = requests[0];
    const startedAt = Date.now();
    current = { request: head, since: startedAt, note: current?.request === head ? current.note : undefined };
    const bisecting = plan.kind === 'probes' || plan.bisecting;
    underTest = { itemIds: requests.map((r) => r.itemId), size: Math.min(batchState.size, maxBatchOf(head)), bisecting };
    recheck = false; // a recheck sent from here on (while this attempt looks at the checkout) wakes a hold at once
    if (plan.kind === 'probes') await probeRound(plan.inputs, startedAt);
    else {
      const result = await callStack(plan.input);
      await applyStack(requests, result, startedAt, () => learnBatch(batchState, plan.bisecting, result, maxBatchOf(head)));
    }
    if (!waiting.includes(head)) current = undefined;
    underTest = undefined;
  };

  const legacyStep = async () => {
    const req = waiting[0];
    const startedAt = Date.now();
    current = { request: req, since: startedAt };
    recheck = false;
    let outcome: MergeOutcome;
    try {
      outcome = await legacyMergeActivities(req.heartbeatTimeout).mergeBranch(req);
    } catch (err) {
      outcome = { status: 'error', message: err instanceof Error ? err.message : String(err) };
    }
    if (outcome.status === 'held') {
      current.note = outcome.reason;
      reply(req.replyTo, { requestId: req.requestId, outcome, startedAt, finishedAt: Date.now() });
      await waitOutHold(req.holdRetry);
      return;
    }
    current = undefined;
    finish(req, outcome, startedAt);
  };

  for (;;) {
    // Checked here, between merges, so a queue held for hours by a dirty checkout also starts afresh.
    if (shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      flushReplies(); // answer repeated asks now rather than leave them to the requester's next ask
      await condition(() => sending === 0);
      await continueAsNew<typeof mergeQueueWorkflow>({
        repoKey: input.repoKey,
        repoPath: input.repoPath,
        waiting,
        results: [...results.values()],
        recent,
        batch: batching ? batchState : undefined,
        continueAsNewAfter: input.continueAsNewAfter,
        idleTimeout: input.idleTimeout,
      });
    }
    const idle = !(await condition(() => waiting.length > 0 || replies.length > 0, durationOr(input.idleTimeout, '1h')));
    flushReplies();
    if (idle && waiting.length === 0) {
      await condition(allHandlersFinished);
      await condition(() => sending === 0);
      if (waiting.length === 0 && replies.length === 0) return; // nothing to do; signal-with-start brings it back
      continue;
    }
    if (waiting.length === 0) continue;
    await (batching ? stackStep() : legacyStep());
  }
}
