/**
 * workItemWorkflow (DESIGN §2): one work item from worktree to merge commit, as a list of phases (item-*.ts):
 *
 *   prepare worktree → implement (questions answered by signal resume the same session) → commit → gates →
 *   review council → (human approval) → merge queue (conflicts resolved by an agent, then by a human) → cleanup.
 *
 * Every state change is reported to the epic by signal, addressed by workflow id, so the epic may continue-as-new.
 * The workflow returns (never throws) for item-level failures: a `failed` item waits for a human on the epic.
 */
import { awaitMergeApproval } from './item-approval';
import { finishEarly, finishMerged } from './item-cleanup';
import { createItemContext, flushReports } from './item-context';
import { restore } from './item-continue-as-new';
import { review } from './item-council';
import { gateLoop } from './item-gates';
import { registerItemHandlers } from './item-handlers';
import { implementAttempt } from './item-implement';
import { registerBudgetHandler } from './item-limits';
import { merge } from './item-merge';
import { prepare } from './item-prepare';
import { bindHost, isRemote } from './item-host';
import type { ItemOutcome, WorkItemInput } from './item-types';

export type { ItemOutcome, ItemOutcomeState, WorkItemInput } from './item-types';
export { ANSWER_SHAPE, describe, isAnswer } from './messages';

export async function workItemWorkflow(input: WorkItemInput): Promise<ItemOutcome> {
  const ctx = createItemContext(input);
  if (input.resume) restore(ctx, input.resume); // this run continues an earlier one (its merge waits)
  registerItemHandlers(ctx); // before the first await
  registerBudgetHandler(ctx);
  try {
    if (input.resume) {
      // A run continued while its merge waited: go on waiting for the same request (on a remote, on a host again).
      if (isRemote(ctx)) await bindHost(ctx);
      await merge(ctx, input.resume.implSession, input.resume.requestId);
      return await finishMerged(ctx, ctx.summary);
    }
    const mergedBefore = await prepare(ctx);
    if (mergedBefore) return mergedBefore;

    // Implement, gates, council; a rejection starts another attempt with the council's reasons.
    let attempt = await implementAttempt(ctx);
    let verdict = await review(ctx, await gateLoop(ctx, attempt.implSession));
    while (verdict.feedback) {
      attempt = await implementAttempt(ctx, verdict.feedback);
      verdict = await review(ctx, await gateLoop(ctx, attempt.implSession));
    }

    await awaitMergeApproval(ctx);
    ctx.summary = attempt.summary;
    await merge(ctx, verdict.implSession);
    return await finishMerged(ctx, attempt.summary);
  } catch (err) {
    return await finishEarly(ctx, err);
  } finally {
    await flushReports(ctx); // the epic hears every report before the item's end
  }
}
