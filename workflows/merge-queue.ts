/**
 * mergeQueueWorkflow (DESIGN §2): one per repository (`merge-queue/<repoKey>`), shared by every epic on it.
 * Requests arrive by `enqueue` signal (signal-with-start) and are merged one at a time in arrival order; each
 * requester gets its result by `mergeResult` signal. A request id seen before is answered again, never merged
 * twice. Continues-as-new with its waiting requests when Temporal suggests it.
 */
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import { setHandler } from './handlers';
import type { CoreActivities } from '../activities/index';
import { enqueueSignal, mergeResultSignal, queueMergeResultQuery, queueStatusQuery, recheckSignal } from '../common/api';
import { TASK_QUEUE } from '../common/ids';
import type { MergeOutcome, MergeQueueStatus, MergeRequest, MergeResult } from '../common/merge';
import { parseDuration } from '../common/durations';
import { continueAsNewOnCurrentBuild, newBuildCurrent } from './versioning';
import { recordMerge, recordQueueDepth } from './metrics';
import { NON_RETRYABLE_GIT_ERRORS } from './activity-options';

export interface MergeQueueInput {
  repoKey: string;
  repoPath: string;
  /** Carried across continue-as-new. */
  waiting?: MergeRequest[];
  results?: MergeResult[];
  recent?: MergeQueueStatus['recent'];
  /** Tests lower this to exercise continue-as-new; otherwise Temporal's suggestion decides. */
  continueAsNewAfter?: number;
  /** The queue ends after this long with nothing to do; the next request starts it again. */
  idleTimeout?: string;
}

const RESULTS_KEPT = 500;
const RECENT_KEPT = 20;

export async function mergeQueueWorkflow(input: MergeQueueInput): Promise<void> {
  const git = (heartbeatTimeout: string | undefined) =>
    proxyActivities<CoreActivities>({
      taskQueue: TASK_QUEUE,
      startToCloseTimeout: '30m',
      heartbeatTimeout: heartbeatTimeout ? parseDuration(heartbeatTimeout) : '2m',
      // No attempt limit: a merge that cannot happen now (a locked ref, a full disk) must happen later, never be lost.
      retry: { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes: NON_RETRYABLE_GIT_ERRORS },
    });

  const waiting: MergeRequest[] = [...(input.waiting ?? [])];
  const results = new Map<string, MergeResult>((input.results ?? []).map((r) => [r.requestId, r]));
  let recent = [...(input.recent ?? [])];
  const replies: { to: string; result: MergeResult }[] = [];
  let current: MergeQueueStatus['current'];
  let recheck = false;
  let served = 0;
  const arrivedAt = new Map<string, number>(); // for the wait metric (lost at continue-as-new: then from the start)

  setHandler(enqueueSignal, (req) => {
    const done = results.get(req.requestId);
    if (done) {
      replies.push({ to: req.replyTo, result: done }); // asked again: answer again
      return;
    }
    if (current?.request.requestId === req.requestId || waiting.some((w) => w.requestId === req.requestId)) return;
    waiting.push(req);
    arrivedAt.set(req.requestId, Date.now());
    recordQueueDepth(input.repoKey, waiting.length);
  });
  setHandler(recheckSignal, () => {
    recheck = true;
  });
  setHandler(queueStatusQuery, () => ({
    repoKey: input.repoKey,
    repoPath: input.repoPath,
    current,
    waiting: waiting.filter((w) => w !== current?.request), // the head is shown as `current` while it is merged or held
    recent: [...recent],
  }));
  setHandler(queueMergeResultQuery, (requestId) => results.get(requestId));

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
  const remember = (result: MergeResult) => {
    results.set(result.requestId, result);
    while (results.size > RESULTS_KEPT) results.delete(results.keys().next().value!);
  };
  const flushReplies = () => {
    while (replies.length) {
      const r = replies.shift()!;
      reply(r.to, r.result);
    }
  };
  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested || newBuildCurrent() || (input.continueAsNewAfter !== undefined && served > 0 && served >= input.continueAsNewAfter);

  for (;;) {
    // Checked here, between merges, so a queue held for hours by a dirty checkout also starts afresh.
    if (shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      flushReplies(); // answer repeated asks now rather than leave them to the requester's next ask
      await condition(() => sending === 0);
      await continueAsNewOnCurrentBuild<typeof mergeQueueWorkflow>({
        repoKey: input.repoKey,
        repoPath: input.repoPath,
        waiting,
        results: [...results.values()],
        recent,
        continueAsNewAfter: input.continueAsNewAfter,
        idleTimeout: input.idleTimeout,
      });
    }
    const idle = !(await condition(
      () => waiting.length > 0 || replies.length > 0,
      input.idleTimeout ? parseDuration(input.idleTimeout) : '1h',
    ));
    flushReplies();
    if (idle && waiting.length === 0) {
      await condition(allHandlersFinished);
      await condition(() => sending === 0);
      if (waiting.length === 0 && replies.length === 0) return; // nothing to do; signal-with-start brings it back
      continue;
    }
    if (waiting.length === 0) continue;

    const req = waiting[0];
    const startedAt = Date.now();
    current = { request: req, since: startedAt };
    recheck = false; // a recheck sent from here on (while this attempt looks at the checkout) wakes a hold at once
    let outcome: MergeOutcome;
    try {
      outcome = await git(req.heartbeatTimeout).mergeBranch(req);
    } catch (err) {
      outcome = { status: 'error', message: err instanceof Error ? err.message : String(err) };
    }
    if (outcome.status === 'held') {
      // The target branch is checked out with uncommitted work: tell the requester, wait, look again.
      current.note = outcome.reason;
      reply(req.replyTo, { requestId: req.requestId, outcome, startedAt, finishedAt: Date.now() });
      const until = Date.now() + parseDuration(req.holdRetry || '30s');
      while (!recheck && Date.now() < until) {
        await condition(() => recheck || replies.length > 0, until - Date.now());
        flushReplies(); // repeated asks of finished requests need not wait for the hold
      }
      continue;
    }
    waiting.shift();
    current = undefined;
    const result: MergeResult = { requestId: req.requestId, outcome, startedAt, finishedAt: Date.now() };
    recordMerge(input.repoKey, startedAt - (arrivedAt.get(req.requestId) ?? startedAt), result.finishedAt - startedAt, outcome.status);
    arrivedAt.delete(req.requestId);
    recordQueueDepth(input.repoKey, waiting.length);
    remember(result);
    recent = [
      ...recent,
      {
        requestId: req.requestId,
        itemId: req.itemId,
        epicId: req.epicId,
        outcome: outcome.status,
        commit: outcome.status === 'merged' ? outcome.commit : undefined,
        at: result.finishedAt,
        startedAt,
      },
    ].slice(-RECENT_KEPT);
    reply(req.replyTo, result);
    served++;
  }
}
