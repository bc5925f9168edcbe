/** A human's commands to the epic: pause, resume, and retry, skip, cancel or approve one item. */
import { log } from '@temporalio/workflow';
import { setHandler } from './handlers';
import {
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
import type { ItemStatus } from '../common/status';
import { describe } from './messages';
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
  setHandler(approveSignal, async (msg) => {
    const itemId = itemIdOf(msg);
    if (!known(ctx, itemId)) return log.warn(`approve: unknown item ${itemId}`);
    const approvedBy = typeof msg?.approvedBy === 'string' ? msg.approvedBy : undefined;
    await childHandle(ctx, itemId).signal(itemApproveSignal, { approvedBy }).catch((err) => log.warn(`approve for ${itemId} not delivered: ${describe(err)}`));
  });
}

/** Skip or cancel: stop the live child, set the final status, and remove the worktree a failed item kept. */
async function stopItem(ctx: EpicContext, itemId: string, plan: StopPlan | undefined, final: (s: ItemStatus) => ItemStatus): Promise<void> {
  if (!plan) return;
  if (plan.stopChild) await stopChild(ctx, itemId);
  ctx.statuses[itemId] = final(ctx.statuses[itemId]);
  // A failed item keeps its worktree for a retry; skipped or cancelled, nobody needs it (a running item cleans up when cancelled).
  if (plan.removeWorktree) {
    await ctx.core.removeWorktree({ repoPath: ctx.plan.repo.path, epicId: ctx.epicId, itemId, deleteBranch: false }).catch(() => undefined);
  }
  ctx.dirty = true;
}
