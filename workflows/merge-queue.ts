/**
 * mergeQueueWorkflow (DESIGN §2): one per repository (`merge-queue/<repoKey>`), shared by every epic on it.
 * Requests arrive by `enqueue` signal (signal-with-start), are checked (a malformed one never fails the workflow
 * task), and are merged in arrival order, several at a time when they wait together (issue 15: one `mergeStack`
 * activity stacks them, gates the top once, publishes the stack at once; a red batch is retried, then bisected, see
 * merge-queue/batching.ts). Each requester gets its result by `mergeResult` signal. A request id seen before is
 * answered again, never merged twice. Continues-as-new with its waiting requests when Temporal suggests it.
 */
import { allHandlersFinished, condition, patched } from '@temporalio/workflow';
import { continueAsNewOnCurrentBuild } from './versioning';
import { durationOr, QueueCore, type MergeQueueInput } from './merge-queue/queue';
import { legacyStep, stackStep } from './merge-queue/steps';

export type { MergeQueueInput } from './merge-queue/queue';

/** Queues recorded before batches call `mergeBranch` per request (test/histories); new runs stack. */
const BATCHES_PATCH = 'merge-batches';

export async function mergeQueueWorkflow(input: MergeQueueInput): Promise<void> {
  const batching = patched(BATCHES_PATCH);
  const q = new QueueCore(input);
  q.registerHandlers();
  for (;;) {
    // Checked here, between merges, so a queue held for hours by a dirty checkout also starts afresh.
    if (q.shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      q.flushReplies(); // answer repeated asks now rather than leave them to the requester's next ask
      await condition(() => q.sending === 0);
      await continueAsNewOnCurrentBuild<typeof mergeQueueWorkflow>({
        repoKey: input.repoKey,
        repoPath: input.repoPath,
        waiting: q.waiting,
        results: [...q.results.values()],
        recent: q.recent,
        batch: batching ? q.batchState : undefined,
        ...(q.holdSent.size && { holdSent: [...q.holdSent].filter(([id]) => q.waiting.some((w) => w.requestId === id)) }),
        continueAsNewAfter: input.continueAsNewAfter,
        idleTimeout: input.idleTimeout,
      });
    }
    const idle = !(await condition(() => q.waiting.length > 0 || q.replies.length > 0, durationOr(input.idleTimeout, '1h')));
    q.flushReplies();
    if (idle && q.waiting.length === 0) {
      await condition(allHandlersFinished);
      await condition(() => q.sending === 0);
      if (q.waiting.length === 0 && q.replies.length === 0) return; // nothing to do; signal-with-start brings it back
      continue;
    }
    if (q.waiting.length === 0) continue;
    await (batching ? stackStep(q) : legacyStep(q));
  }
}
