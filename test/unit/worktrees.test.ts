/**
 * Worktree housekeeping touches only Overseer's own worktrees (issue 11 points 3 and 9): a user's worktree whose
 * folder is briefly missing keeps its registration; a stale registration of ours is cleared; an epic's empty
 * folder is removed once its last item's worktree is.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { prepareWorktree, removeWorktree, worktreePathFor } from '../../activities/worktrees';
import { listWorktrees } from '../../activities/git-repo';
import { makeRepo, sh, tempDir } from '../helpers/repo';

const registered = async (repo: string, folder: string) => (await listWorktrees(repo)).some((w) => path.resolve(w.path) === path.resolve(folder));

describe('worktrees', () => {
  it("a user's worktree whose folder is moved away for a moment keeps its registration", async () => {
    const repo = sh(makeRepo('wt-user'), 'rev-parse', '--show-toplevel');
    const mine = path.join(tempDir('wt-user-own'), 'feature');
    sh(repo, 'worktree', 'add', '-q', '-b', 'feature', mine);
    const away = `${mine}-away`;
    renameSync(mine, away);
    await prepareWorktree({ repoPath: repo, epicId: 'e', itemId: 'a', targetBranch: 'main' });
    await removeWorktree({ repoPath: repo, epicId: 'e', itemId: 'a', deleteBranch: true });
    renameSync(away, mine);
    assert.ok(await registered(repo, mine), "the user's worktree is still registered");
    assert.equal(sh(mine, 'rev-parse', '--abbrev-ref', 'HEAD'), 'feature');
  });

  it('a registration of ours whose folder vanished is cleared, and the worktree is rebuilt', async () => {
    const repo = sh(makeRepo('wt-stale'), 'rev-parse', '--show-toplevel');
    const first = await prepareWorktree({ repoPath: repo, epicId: 'e', itemId: 'a', targetBranch: 'main' });
    rmSync(first.worktreePath, { recursive: true, force: true });
    const again = await prepareWorktree({ repoPath: repo, epicId: 'e', itemId: 'a', targetBranch: 'main' });
    assert.equal(again.worktreePath, first.worktreePath);
    assert.ok(existsSync(path.join(again.worktreePath, 'README.md')));
    assert.ok(await registered(repo, again.worktreePath));
    rmSync(again.worktreePath, { recursive: true, force: true });
    await removeWorktree({ repoPath: repo, epicId: 'e', itemId: 'a', deleteBranch: true });
    assert.ok(!(await registered(repo, again.worktreePath)), 'no registration left');
  });

  it("the epic's folder goes with its last worktree, not before", async () => {
    const repo = sh(makeRepo('wt-empty'), 'rev-parse', '--show-toplevel');
    await prepareWorktree({ repoPath: repo, epicId: 'e', itemId: 'a', targetBranch: 'main' });
    await prepareWorktree({ repoPath: repo, epicId: 'e', itemId: 'b', targetBranch: 'main' });
    const epicFolder = path.dirname(worktreePathFor(repo, 'e', 'a'));
    await removeWorktree({ repoPath: repo, epicId: 'e', itemId: 'a', deleteBranch: true });
    assert.ok(existsSync(epicFolder), 'item b still lives there');
    await removeWorktree({ repoPath: repo, epicId: 'e', itemId: 'b', deleteBranch: true });
    assert.ok(!existsSync(epicFolder), 'the empty epic folder is removed');
  });
});
