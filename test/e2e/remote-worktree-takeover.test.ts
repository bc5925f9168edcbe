/**
 * A host dies; another takes its item over from the pushed branch (issue 12, the git side of point 3): every commit
 * that reached the remote is there, only the unpushed work is redone, and the branch only ever grows.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { commitAndPush, prepareRemoteWorktree, removeRemoteWorktree } from '../../activities/remote-worktrees';
import { remoteHeads } from '../../activities/remote-git';
import { sh, tempDir } from '../helpers/repo';
import { startGitServer, type GitServer } from '../helpers/git-server';

let server: GitServer;
before(async () => (server = await startGitServer(['project'])));
after(() => server?.stop());

describe('an item moves to another host', () => {
  it('rebuilds the worktree from the pushed branch; no pushed commit is lost', async () => {
    const input = { url: server.url('project'), epicId: 'e', itemId: 'i1', targetBranch: 'main' };
    const [hostA, hostB] = [tempDir('host-a'), tempDir('host-b')];
    const a = await prepareRemoteWorktree(hostA, input);
    assert.equal(a.fromPushedBranch, false);
    assert.equal(a.branch, 'overseer/e/i1');
    assert.deepEqual(await prepareRemoteWorktree(hostA, input), a, 'idempotent on the same host');
    writeFileSync(path.join(a.worktreePath, 'one.txt'), '1\n');
    const first = await commitAndPush({ ...a, message: 'work 1' });
    assert.equal(first.committed, true);
    writeFileSync(path.join(a.worktreePath, 'two.txt'), 'never pushed\n');
    sh(a.worktreePath, 'add', '.');
    sh(a.worktreePath, 'commit', '-q', '-m', 'work 2 (host A dies before pushing it)');

    const b = await prepareRemoteWorktree(hostB, input);
    assert.equal(b.fromPushedBranch, true);
    assert.equal(b.baseCommit, first.commit);
    assert.ok(existsSync(path.join(b.worktreePath, 'one.txt')), 'the pushed commit is there');
    assert.ok(!existsSync(path.join(b.worktreePath, 'two.txt')), 'only the unpushed work is redone');
    writeFileSync(path.join(b.worktreePath, 'three.txt'), '3\n');
    const third = await commitAndPush({ ...b, message: 'work 3' });

    // Host A comes back: its stale worktree does not hold what B pushed, so it is rebuilt from the remote.
    const again = await prepareRemoteWorktree(hostA, input);
    assert.equal(again.baseCommit, third.commit);
    assert.equal((await remoteHeads(b.clone)).get('overseer/e/i1'), third.commit);
    assert.deepEqual(sh(server.dir('project'), 'log', '--format=%s', 'overseer/e/i1').split('\n').slice(0, 2), ['work 3', 'work 1']);
  });

  it('a worktree folder removed behind git\'s back is made again; removing it twice is harmless', async () => {
    const input = { url: server.url('project'), epicId: 'e', itemId: 'i3', targetBranch: 'main' };
    const host = tempDir('host-d');
    const first = await prepareRemoteWorktree(host, input);
    rmSync(first.worktreePath, { recursive: true, force: true }); // git still has it registered, the branch checked out there
    const again = await prepareRemoteWorktree(host, input);
    assert.equal(again.worktreePath, first.worktreePath);
    assert.equal(sh(again.worktreePath, 'rev-parse', '--abbrev-ref', 'HEAD'), 'overseer/e/i3');
    await removeRemoteWorktree(host, input);
    await removeRemoteWorktree(host, input);
    assert.ok(!existsSync(first.worktreePath), 'the worktree is gone');
    assert.equal(sh(first.clone, 'branch', '--list', 'overseer/e/i3'), '', 'and its local branch');
    assert.equal(sh(first.clone, 'worktree', 'list', '--porcelain').includes(first.worktreePath), false, 'and git\'s record of it');
  });

  it('an unknown target branch names it', async () => {
    await assert.rejects(prepareRemoteWorktree(tempDir('host-c'), { url: server.url('project'), epicId: 'e', itemId: 'i2', targetBranch: 'trunk' }), /branch "trunk" does not exist on git:\/\//);
  });
});
