/**
 * An item continues-as-new while its merge waits (a hold can last a weekend: the queue tells it every retry
 * interval), when Temporal suggests it. The next run picks up the same merge request where this one waited.
 */
import { allHandlersFinished, condition, continueAsNew, patched } from '@temporalio/workflow';
import { flushReports, type ItemContext } from './item-context';
import type { ItemOutcome, ItemResume, WorkItemInput } from './item-types';


/** Returns, staying in this run, when the queue's answer came meanwhile (since 'merge-result-before-new-run'). */
export async function continueItemAsNew(ctx: ItemContext, requestId: string, shownHold: string | undefined): Promise<void> {
  await condition(allHandlersFinished);
  await flushReports(ctx);
  // The answer can come while the reports go out; the next run would never hear it (the queue sends it once), and
  // would wait 10 minutes to ask again.
  if (ctx.mergeResults.has(requestId) && patched('merge-result-before-new-run')) return;
  const resume: ItemResume = {
    status: ctx.status,
    worktree: ctx.worktree,
    branch: ctx.branch,
    attemptsThisRun: ctx.attemptsThisRun,
    questions: ctx.questions,
    approvedBy: ctx.approvedBy,
    sessionCosts: [...ctx.sessionCosts],
    sessionUsage: [...ctx.sessionUsage.values()],
    budget: ctx.budget,
    budgetBaseUsd: ctx.budgetBaseUsd,
    questionSeq: ctx.questionSeq,
    mergeSeq: ctx.mergeSeq,
    implSession: ctx.implSession,
    summary: ctx.summary,
    requestId,
    shownHold,
    ...(ctx.followedByReports && { followedByReports: true }),
  };
  // The type is spelled out: importing workItemWorkflow here would make an import circle.
  return continueAsNew<(input: WorkItemInput) => Promise<ItemOutcome>>({ ...ctx.input, resume });
}

/** The context of a run that continues an earlier one (called while the context is built, before the handlers). */
export function restore(ctx: ItemContext, r: ItemResume): void {
  Object.assign(ctx.status, r.status);
  ctx.worktree = r.worktree;
  ctx.branch = r.branch;
  ctx.attemptsThisRun = r.attemptsThisRun;
  ctx.questions.push(...r.questions);
  ctx.approvedBy = r.approvedBy;
  for (const [id, cost] of r.sessionCosts) ctx.sessionCosts.set(id, cost);
  for (const u of r.sessionUsage ?? []) ctx.sessionUsage.set(u.sessionId, u);
  if (r.budget) ctx.budget = r.budget;
  if (r.budgetBaseUsd !== undefined) ctx.budgetBaseUsd = r.budgetBaseUsd;
  ctx.questionSeq = r.questionSeq;
  ctx.mergeSeq = r.mergeSeq;
  ctx.implSession = r.implSession;
  ctx.summary = r.summary;
  if (r.shownHold !== undefined) ctx.mergeHolds.set(r.requestId, r.shownHold);
  ctx.followedByReports = Boolean(r.followedByReports);
}
