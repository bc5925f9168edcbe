/** `overseer diff <epic> <item> [--stat]`: the item's change — its merge commit once merged, else its branch against where it started. */
import { existsSync } from 'node:fs';
import { simpleGit } from 'simple-git';
import { itemBranch } from '../../common/ids';
import { withClient } from '../connection';
import { UserError } from '../errors';
import { lookupItem } from '../item-lookup';
import { mergedItems } from '../merged-items';

export async function diffCommand(epicId: string, itemId: string, opts: { stat?: boolean }): Promise<void> {
  await withClient(async ({ client }) => {
    const { epic, item } = await lookupItem(client, epicId, itemId);
    const repo = epic.repoPath;
    if (!repo || !existsSync(repo)) throw new UserError(`the repository of epic ${epicId} (${repo || 'unknown'}) is not on this machine`);
    const g = simpleGit({ baseDir: repo });
    const fmt = opts.stat ? ['--stat'] : [];
    const merge = item.mergeCommit ?? (await mergedItems(repo, epic.targetBranch, epicId)).get(itemId);
    if (merge) {
      console.log(`item ${itemId} merged as ${merge.slice(0, 10)} into ${epic.targetBranch}; its change:`);
      return console.log(await g.raw(['diff', ...fmt, `${merge}^1`, merge]));
    }
    const branch = item.branch ?? itemBranch(epicId, itemId);
    const exists = (await g.raw(['branch', '--list', branch])).trim();
    if (!exists) throw new UserError(`item ${itemId} has no branch (${branch}) and no merge commit yet: it is ${item.state}`);
    const base = (await g.raw(['merge-base', epic.targetBranch, branch])).trim();
    console.log(`item ${itemId} (${item.state}): ${branch} against ${epic.targetBranch} at ${base.slice(0, 10)}, where it started`);
    console.log(await g.raw(['diff', ...fmt, base, branch]));
    if (item.worktree && existsSync(item.worktree)) {
      const dirty = (await simpleGit({ baseDir: item.worktree }).raw(['status', '--porcelain'])).trim();
      if (dirty) console.log(`(uncommitted changes in ${item.worktree} are not shown: \`git -C ${item.worktree} diff\`)`);
    }
  });
}
