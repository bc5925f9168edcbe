/** The item's worktree on its own branch, unless an earlier run of the same epic already merged it. */
import { note, outcome, passState, setState, type ItemContext } from './item-context';
import { PREPARING_DETAIL } from '../common/status';
import type { PreparedWorktree } from '../activities/worktrees';
import type { ItemOutcome } from './item-types';
import { writeBack } from './item-write-back';
import { bindHost, firstSessionSlot, isRemote } from './item-host';

/** Returns the outcome when there is nothing left to do (merged before), else undefined with the worktree ready. */
export async function prepare(ctx: ItemContext): Promise<ItemOutcome | undefined> {
  if (isRemote(ctx)) return prepareRemote(ctx);
  const { core, repoPath, targetBranch, epicId, item, status } = ctx;
  await passState(ctx, 'running', PREPARING_DETAIL);
  // Since 'fewer-round-trips' both at once (the worktree is dropped again in the rare case of an earlier merge).
  const [earlier, wt] = ctx.fewerRoundTrips
    ? await Promise.all([findEarlierMerge(ctx), core.prepareWorktree({ repoPath, epicId, itemId: item.id, targetBranch })])
    : [await findEarlierMerge(ctx), undefined];
  if (earlier) {
    // Run before (same epic id started again): never merge twice.
    status.mergeCommit = earlier;
    await core.removeWorktree({ repoPath, epicId, itemId: item.id, deleteBranch: true });
    status.finishedAt = Date.now();
    await setState(ctx, 'merged', `already merged as ${earlier.slice(0, 10)}`);
    return outcome(ctx, 'merged');
  }
  return useWorktree(ctx, wt ?? (await core.prepareWorktree({ repoPath, epicId, itemId: item.id, targetBranch })));
}

function findEarlierMerge(ctx: ItemContext): Promise<string | undefined> {
  const { repoPath, targetBranch, epicId, item } = ctx;
  return ctx.core.findItemMerge({ repoPath, targetBranch, epicId, itemId: item.id });
}

async function useWorktree(ctx: ItemContext, wt: PreparedWorktree): Promise<undefined> {
  const { item, status } = ctx;
  ctx.worktree = wt.worktreePath;
  ctx.branch = wt.branch;
  status.branch = wt.branch;
  status.worktree = wt.worktreePath;
  note(ctx, `${wt.reused ? 'reusing' : 'created'} worktree ${ctx.worktree} on ${ctx.branch}`);
  await writeBack(ctx, { kind: 'started', itemId: item.id });
  return undefined;
}

/**
 * A plan on a git remote: the worktree on a claimed host (item-host.ts). What an earlier run merged was found by the
 * epic at its start (on the remote's target), and the queue answers a branch merged before with its merge commit.
 */
async function prepareRemote(ctx: ItemContext): Promise<ItemOutcome | undefined> {
  await bindHost(ctx);
  await firstSessionSlot(ctx); // a busy host's prefetch moves to a host that frees up first
  await writeBack(ctx, { kind: 'started', itemId: ctx.item.id });
  return undefined;
}
