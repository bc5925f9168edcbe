/** `approval: before-merge`: an approved item waits for a human's `overseer approve` before it is queued. */
import { condition } from '@temporalio/workflow';
import { note, setState, type ItemContext } from './item-context';

export async function awaitMergeApproval(ctx: ItemContext): Promise<void> {
  if (ctx.settings.approval !== 'before-merge' || ctx.approvedBy) return;
  ctx.awaitingApproval = true;
  await setState(ctx, 'approved', 'waiting for a human to approve the merge (overseer approve)');
  await condition(() => ctx.approvedBy !== undefined);
  ctx.awaitingApproval = false;
  note(ctx, `merge approved by ${ctx.approvedBy}`);
}
