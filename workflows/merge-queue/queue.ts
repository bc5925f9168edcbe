/**
 * The merge queue's state and its conversation with clients: the waiting requests, the results it remembers, the
 * handlers of its signals and queries (an `enqueue` is checked before anything else, see validate.ts), and the
 * replies to requesters, which go out without waiting for delivery (the queue waits for them only before it ends or
 * continues-as-new).
 */
import { condition, getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { setHandler } from '../handlers';
import { newRunDue } from '../versioning';
import { recordMerge, recordQueueDepth } from '../metrics';
import { enqueueSignal, mergeResultSignal, queueMergeResultQuery, queueStatusQuery, recheckSignal } from '../../common/api';
import type { MergeOutcome, MergeQueueStatus, MergeRequest, MergeResult } from '../../common/merge';
import { parseDuration } from '../../common/durations';
import { MAX_BATCH, type BatchState } from './batching';
import { checkRequest } from './validate';

export interface MergeQueueInput {
  repoKey: string;
  repoPath: string;
  /** Carried across continue-as-new. */
  waiting?: MergeRequest[];
  results?: MergeResult[];
  recent?: MergeQueueStatus['recent'];
  batch?: BatchState;
  /** The hold reason each waiting requester was last told (so a continue-as-new does not tell it again). */
  holdSent?: [string, string][];
  /** Tests lower this to exercise continue-as-new; otherwise Temporal's suggestion decides. */
  continueAsNewAfter?: number;
  /** The queue ends after this long with nothing to do; the next request starts it again. */
  idleTimeout?: string;
}

const RESULTS_KEPT = 500;
const RECENT_KEPT = 20;

export const durationOr = (text: string | undefined, fallback: string) => {
  try {
    return parseDuration(text ?? fallback);
  } catch {
    return parseDuration(fallback);
  }
};

export class QueueCore {
  readonly waiting: MergeRequest[];
  readonly results: Map<string, MergeResult>;
  recent: MergeQueueStatus['recent'];
  batchState: BatchState;
  readonly replies: { to: string; result: MergeResult }[] = [];
  current: MergeQueueStatus['current'];
  underTest: MergeQueueStatus['batch'];
  recheck = false;
  served = 0;
  sending = 0;
  /** Hold notices go out when the reason changes, not every retry interval (issue 11, point 4). */
  readonly holdSent: Map<string, string>;

  constructor(readonly input: MergeQueueInput) {
    this.waiting = [...(input.waiting ?? [])];
    this.results = new Map((input.results ?? []).map((r) => [r.requestId, r]));
    this.recent = [...(input.recent ?? [])];
    this.batchState = input.batch ?? { size: MAX_BATCH }; // capped by each batch's head
    this.holdSent = new Map(input.holdSent ?? []);
  }

  registerHandlers(): void {
    setHandler(enqueueSignal, (raw: unknown) => this.enqueue(raw));
    setHandler(recheckSignal, () => {
      this.recheck = true;
    });
    setHandler(queueStatusQuery, () => ({
      repoKey: this.input.repoKey,
      repoPath: this.input.repoPath,
      current: this.current,
      batch: this.underTest,
      waiting: this.waiting.filter((w) => w !== this.current?.request), // the head is shown as `current` while it is merged or held
      recent: [...this.recent],
    }));
    setHandler(queueMergeResultQuery, (requestId) => (typeof requestId === 'string' ? this.results.get(requestId) : undefined));
  }

  private enqueue(raw: unknown): void {
    const checked = checkRequest(raw);
    if ('drop' in checked) return log.warn('malformed enqueue signal dropped', { reason: checked.drop });
    if ('reject' in checked) {
      const { requestId, replyTo, message } = checked.reject;
      log.warn('invalid merge request rejected', { requestId, message });
      if (!this.results.has(requestId)) this.remember({ requestId, outcome: { status: 'error', message }, startedAt: Date.now(), finishedAt: Date.now() });
      this.replies.push({ to: replyTo, result: this.results.get(requestId)! });
      return;
    }
    const req = checked.ok;
    const done = this.results.get(req.requestId);
    if (done) {
      this.replies.push({ to: req.replyTo, result: done }); // asked again: answer again
      return;
    }
    if (this.current?.request.requestId === req.requestId || this.waiting.some((w) => w.requestId === req.requestId)) return;
    this.waiting.push(req);
    this.arrivedAt.set(req.requestId, Date.now()); // for the wait metric (lost at continue-as-new: then from the start)
    recordQueueDepth(this.input.repoKey, this.waiting.length);
  }

  private readonly arrivedAt = new Map<string, number>();

  /** When this run of the queue received the request (undefined for one carried over continue-as-new). */
  arrivalOf(requestId: string): number | undefined {
    return this.arrivedAt.get(requestId);
  }

  reply(to: string, result: MergeResult): void {
    this.sending++;
    getExternalWorkflowHandle(to)
      .signal(mergeResultSignal, result)
      .catch((err) => log.warn('requester is gone; result kept for a later ask', { to, requestId: result.requestId, error: String(err) }))
      .finally(() => this.sending--);
  }

  private remember(result: MergeResult): void {
    this.results.set(result.requestId, result);
    while (this.results.size > RESULTS_KEPT) this.results.delete(this.results.keys().next().value!);
  }

  flushReplies(): void {
    while (this.replies.length) {
      const r = this.replies.shift()!;
      this.reply(r.to, r.result);
    }
  }

  shouldContinueAsNew(): boolean {
    const after = this.input.continueAsNewAfter;
    return newRunDue() || (after !== undefined && this.served > 0 && this.served >= after);
  }

  /** A final result for a waiting request: remembered, shown in `recent`, sent to its requester. */
  finish(req: MergeRequest, outcome: MergeOutcome, startedAt: number): void {
    const at = this.waiting.indexOf(req);
    if (at >= 0) this.waiting.splice(at, 1);
    this.holdSent.delete(req.requestId);
    const result: MergeResult = { requestId: req.requestId, outcome, startedAt, finishedAt: Date.now() };
    this.remember(result);
    const commit = outcome.status === 'merged' ? outcome.commit : undefined;
    this.recent = [...this.recent, { requestId: req.requestId, itemId: req.itemId, epicId: req.epicId, outcome: outcome.status, commit, at: result.finishedAt, startedAt }].slice(-RECENT_KEPT);
    this.reply(req.replyTo, result);
    this.served++;
    recordMerge(this.input.repoKey, startedAt - (this.arrivedAt.get(req.requestId) ?? startedAt), result.finishedAt - startedAt, outcome.status);
    this.arrivedAt.delete(req.requestId);
    recordQueueDepth(this.input.repoKey, this.waiting.length);
  }

  /** Waits out a hold: until the retry interval passes or a `recheck` arrives, answering repeated asks meanwhile. */
  async waitOutHold(holdRetry: string): Promise<void> {
    const until = Date.now() + durationOr(holdRetry, '30s');
    while (!this.recheck && Date.now() < until) {
      await condition(() => this.recheck || this.replies.length > 0, until - Date.now());
      this.flushReplies(); // repeated asks of finished requests need not wait for the hold
    }
  }

  /** The batch is held (a user's checkout): each requester is told once per reason; then the hold is waited out. */
  async hold(requests: MergeRequest[], reason: string, startedAt: number): Promise<void> {
    this.current!.note = reason;
    for (const req of requests.filter((r) => this.waiting.includes(r) && this.holdSent.get(r.requestId) !== reason)) {
      this.holdSent.set(req.requestId, reason);
      this.reply(req.replyTo, { requestId: req.requestId, outcome: { status: 'held', reason }, startedAt, finishedAt: Date.now() });
    }
    await this.waitOutHold(requests[0].holdRetry);
  }
}
