/** A human's commands to the epic: pause, resume, and retry, skip, cancel or approve one item. */
import { log, setHandler } from '@temporalio/workflow';
import {
  approveItemUpdate,
  approveSignal,
  cancelItemSignal,
  cancelOptionsSignal,
  itemApproveSignal,
  pauseSignal,
  resumeSignal,
  retryItemSignal,
  skipItemSignal,
} from '../common/api';
import { cancelled, cancelPlan, canRetry, itemIdOf, retried, skipped, skipPlan, skipReason, type StopPlan } from '../common/epic-commands';
import { awaitingApproval } from '../common/epic-dispatch';
import type { ItemStatus } from '../common/status';
import { describe, rejectUpdate } from './messages';
import { stopChild } from './epic-children';
import { childHandle, known, type EpicContext } from './epic-context';

export function registerCommands(ctx: EpicContext): void {
  setHandler(pauseSignal, () => {
    ctx.paused = true;
    ctx.dirty = true;
  });
  setHandler(resumeSignal, () => {
    ctx.paused = false;
    ctx.dirty = true;
  });
  setHandler(retryItemSignal, (msg) => {
    const itemId = itemIdOf(msg);
    if (!known(ctx, itemId)) return log.warn(`retryItem: unknown item ${itemId}`);
    const s = ctx.statuses[itemId];
    if (!canRetry(s)) return log.warn(`retryItem: ${itemId} is ${s.state}, not failed or cancelled`);
    ctx.statuses[itemId] = retried(s);
    ctx.dirty = true;
  });
  setHandler(skipItemSignal, async (msg) => {
    const itemId = itemIdOf(msg);
    const reason = skipReason(msg);
    if (!known(ctx, itemId)) return log.warn(`skipItem: unknown item ${itemId}`);
    await stopItem(ctx, itemId, skipPlan(ctx.statuses[itemId]), (s) => skipped(s, reason, Date.now()));
  });
  setHandler(cancelItemSignal, async (msg) => {
    const itemId = itemIdOf(msg);
    if (!known(ctx, itemId)) return log.warn(`cancelItem: unknown item ${itemId}`);
    await stopItem(ctx, itemId, cancelPlan(ctx.statuses[itemId]), (s) => cancelled(s, Date.now()));
  });
  setHandler(cancelOptionsSignal, (o) => {
    ctx.keepWorktrees = Boolean(o?.keepWorktrees);
  });
  setHandler(
    approveItemUpdate,
    async (msg) => {
      const itemId = itemIdOf(msg)!;
      const approvedBy = typeof msg.approvedBy === 'string' && msg.approvedBy.trim() ? msg.approvedBy : 'unknown';
      await childHandle(ctx, itemId).signal(itemApproveSignal, { approvedBy }).catch((err) => rejectUpdate(`item ${itemId} could not take the approval: ${describe(err)}`));
      return { itemId, approvedBy };
    },
    {
      validator: (msg) => {
        const itemId = itemIdOf(msg);
        if (!known(ctx, itemId)) rejectUpdate(`approveItem needs {"itemId": "<id>", "approvedBy"?: "<name>"} naming an item of epic ${ctx.epicId}`);
        if (!waitsForApproval(ctx, itemId)) rejectUpdate(`item ${itemId} is ${ctx.statuses[itemId].state}, not waiting for approval`);
      },
    },
  );
  setHandler(approveSignal, async (msg) => {
    const itemId = itemIdOf(msg);
    if (!known(ctx, itemId)) return log.warn(`approve: unknown item ${itemId}`);
    if (!waitsForApproval(ctx, itemId)) return log.warn(`approve ignored: ${itemId} is ${ctx.statuses[itemId].state}, not waiting for approval`);
    const approvedBy = typeof msg?.approvedBy === 'string' ? msg.approvedBy : undefined;
    await childHandle(ctx, itemId).signal(itemApproveSignal, { approvedBy }).catch((err) => log.warn(`approve for ${itemId} not delivered: ${describe(err)}`));
  });
}

/** The item waits for a human's approval of its merge (`approval: before-merge`). */
function waitsForApproval(ctx: EpicContext, itemId: string): boolean {
  return awaitingApproval(ctx.items, ctx.statuses, ctx.settings.approval).some((it) => it.id === itemId);
}

/**
 * Skip or cancel: stop the live child, set the final status, and remove the worktree a failed item kept. The
 * status is final at once (before the child has stopped), so a retry right behind the cancel is taken.
 */
async function stopItem(ctx: EpicContext, itemId: string, plan: StopPlan | undefined, final: (s: ItemStatus) => ItemStatus): Promise<void> {
  if (!plan) return;
  const stopping = plan.stopChild ? stopChild(ctx, itemId) : undefined; // the run is superseded synchronously
  ctx.statuses[itemId] = final(ctx.statuses[itemId]);
  ctx.dirty = true;
  await stopping;
  // A failed item keeps its worktree for a retry; skipped or cancelled, nobody needs it (a running item cleans up when cancelled).
  if (plan.removeWorktree) {
    await ctx.core.removeWorktree({ repoPath: ctx.plan.repo.path, epicId: ctx.epicId, itemId, deleteBranch: false }).catch(() => undefined);
  }
}
