/** The item's worktree on its own branch, unless an earlier run of the same epic already merged it. */
import { note, outcome, setState, type ItemContext } from './item-context';
import type { ItemOutcome } from './item-types';
import { writeBack } from './item-write-back';

/** Returns the outcome when there is nothing left to do (merged before), else undefined with the worktree ready. */
export async function prepare(ctx: ItemContext): Promise<ItemOutcome | undefined> {
  const { core, repoPath, targetBranch, epicId, item, status } = ctx;
  await setState(ctx, 'running', 'preparing worktree');
  const earlier = await core.findItemMerge({ repoPath, targetBranch, epicId, itemId: item.id });
  if (earlier) {
    // Run before (same epic id started again): never merge twice.
    status.mergeCommit = earlier;
    await core.removeWorktree({ repoPath, epicId, itemId: item.id, deleteBranch: true });
    status.finishedAt = Date.now();
    await setState(ctx, 'merged', `already merged as ${earlier.slice(0, 10)}`);
    return outcome(ctx, 'merged');
  }
  const wt = await core.prepareWorktree({ repoPath, epicId, itemId: item.id, targetBranch });
  ctx.worktree = wt.worktreePath;
  ctx.branch = wt.branch;
  status.branch = wt.branch;
  status.worktree = wt.worktreePath;
  note(ctx, `${wt.reused ? 'reusing' : 'created'} worktree ${ctx.worktree} on ${ctx.branch}`);
  await writeBack(ctx, { kind: 'started', itemId: item.id });
  return undefined;
}
