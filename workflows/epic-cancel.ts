/**
 * Cancelling the epic: each live item is told whether to keep its worktree (`--keep-worktrees`), then
 * cancelled; the epic waits (up to 2 minutes) for them to stop their sessions, clean up and report `cancelled`.
 */
import { CancellationScope, condition } from '@temporalio/workflow';
import { cancelOptionsSignal } from '../common/api';
import { isLive } from '../common/epic-dispatch';
import { childHandle, updateSearchAttributes, type EpicContext } from './epic-context';

export async function cancelItems(ctx: EpicContext): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    ctx.phase = 'cancelled';
    updateSearchAttributes(ctx);
    const live = ctx.items.filter((it) => isLive(ctx.statuses[it.id]));
    await Promise.all(
      live.map(async (it) => {
        if (ctx.keepWorktrees) await childHandle(ctx, it.id).signal(cancelOptionsSignal, { keepWorktrees: ctx.keepWorktrees }).catch(() => undefined);
        await childHandle(ctx, it.id).cancel().catch(() => undefined);
      }),
    );
    await condition(() => ctx.items.every((it) => !isLive(ctx.statuses[it.id])), '2m');
  });
}
