/**
 * How an item ends: merged (worktree and branch removed), or cancelled, skipped or failed. A merged item says so
 * at once, `cleaningUp`, so the epic frees its slot and starts its dependents while it cleans up; the epic hears
 * it clean from its end (cleanEndReported) and finishes only when no item is still cleaning up. The others clean
 * up before they report.
 */
import { ActivityFailure, ApplicationFailure, CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import { describe } from './messages';
import { note, outcome, setState, type ItemContext } from './item-context';
import { ItemFailed, ItemSkipped, type ItemOutcome } from './item-types';
import { writeBack } from './item-write-back';
import { coreActivities } from './activity-options';
import { isRemote } from './item-host';

export async function finishMerged(ctx: ItemContext, summary: string): Promise<ItemOutcome> {
  if (!patched('merged-before-cleanup')) return finishMergedAfterCleanup(ctx, summary);
  const { status } = ctx;
  status.finishedAt = Date.now();
  if (summary) status.summary = summary; // the epic hands it to the items that depend on this one
  status.cleaningUp = true;
  // The plan's source hears of the merge before the epic does (since 'fewer-round-trips'): a Beads issue is closed
  // before its dependents, which start on the `merged` report, are claimed.
  if (ctx.fewerRoundTrips) await writeBackMerged(ctx, summary);
  await setState(ctx, 'merged', status.mergeCommit);
  await cleanUpMerged(ctx, summary);
  status.cleaningUp = undefined;
  if (cleanEndReported(ctx)) await setState(ctx, 'merged', status.mergeCommit);
  return { ...outcome(ctx, 'merged'), ...(summary && { summary }) };
}

/**
 * Whether the item says it again once clean. Since 'merged-end-unreported' the epic hears it from the workflow's
 * result instead (a report costs the item and the epic a workflow task each), unless a run of the epic that did not
 * start this item follows it: that run holds no handle on the result and waits for the report.
 */
function cleanEndReported(ctx: ItemContext): boolean {
  return !patched('merged-end-unreported') || ctx.followedByReports;
}

/**
 * The merge has landed: a cleanup that fails is noted, never turns the item failed. A local plan's cleanup is a
 * queued activity even since 'fewer-round-trips': a local one would hold the `merged` report (and the dependents'
 * start) in this workflow task until the worktree is gone.
 */
async function cleanUpMerged(ctx: ItemContext, summary: string): Promise<void> {
  const { repoPath, epicId, item } = ctx;
  const core = ctx.fewerRoundTrips && !isRemote(ctx) ? coreActivities(ctx.settings) : ctx.core;
  try {
    await core.removeWorktree({ repoPath, epicId, itemId: item.id, deleteBranch: true });
  } catch (err) {
    if (isCancellation(err)) throw err;
    note(ctx, `merged, but removing the worktree failed: ${describe(err)}`);
  }
  if (!ctx.fewerRoundTrips) await writeBackMerged(ctx, summary);
}

function writeBackMerged(ctx: ItemContext, summary: string): Promise<void> {
  return writeBack(ctx, { kind: 'merged', itemId: ctx.item.id, summary, mergeCommit: ctx.status.mergeCommit! });
}

/** Histories recorded before 'merged-before-cleanup': cleaned up first, then one report. */
async function finishMergedAfterCleanup(ctx: ItemContext, summary: string): Promise<ItemOutcome> {
  const { core, repoPath, epicId, item, status } = ctx;
  await core.removeWorktree({ repoPath, epicId, itemId: item.id, deleteBranch: true });
  await writeBack(ctx, { kind: 'merged', itemId: item.id, summary, mergeCommit: status.mergeCommit! });
  status.finishedAt = Date.now();
  if (summary) status.summary = summary;
  await setState(ctx, 'merged', status.mergeCommit);
  return { ...outcome(ctx, 'merged'), ...(summary && { summary }) };
}

/**
 * The item ended early. Cancellation is rethrown (after cleaning up); a bug (any other error) too, so the
 * workflow task retries. Item-level failures return: a `failed` item waits for a human on the epic.
 */
export async function finishEarly(ctx: ItemContext, err: unknown): Promise<ItemOutcome> {
  const { status } = ctx;
  if (isCancellation(err)) {
    await CancellationScope.nonCancellable(() => cancelled(ctx));
    throw err;
  }
  status.finishedAt = Date.now();
  status.pendingQuestion = undefined;
  if (err instanceof ItemSkipped) {
    await setState(ctx, 'skipped', err.message);
    if (ctx.worktree) await removeWorktreeKeepBranch(ctx);
    return outcome(ctx, 'skipped', err.message);
  }
  const message = describe(err);
  if (!(err instanceof ItemFailed) && !(err instanceof ActivityFailure) && !(err instanceof ApplicationFailure)) throw err; // a bug: let the task retry
  await setState(ctx, 'failed', message);
  await writeBack(ctx, { kind: 'failed', itemId: ctx.item.id, reason: message });
  return outcome(ctx, 'failed', message);
}

async function cancelled(ctx: ItemContext): Promise<void> {
  const { status, worktree } = ctx;
  status.finishedAt = Date.now();
  status.pendingQuestion = undefined;
  // Clean up before saying "cancelled": the epic finishes once every item has said it.
  if (worktree && !ctx.keepWorktree) await removeWorktreeKeepBranch(ctx);
  await setState(ctx, 'cancelled', ctx.keepWorktree ? `cancelled; worktree kept at ${worktree}` : 'cancelled');
}

/** The branch stays (a human may want the work); the worktree goes. Best effort. */
async function removeWorktreeKeepBranch(ctx: ItemContext): Promise<void> {
  await ctx.core.removeWorktree({ repoPath: ctx.repoPath, epicId: ctx.epicId, itemId: ctx.item.id, deleteBranch: false }).catch(() => undefined);
}
