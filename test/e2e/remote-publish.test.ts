/**
 * Publishing to a remote never loses a commit (issue 12): hosts' cache clones of a real `git daemon` remote, item
 * branches pushed without force, and the compare-and-swap publish (`push --atomic --force-with-lease`) racing a
 * human's push and another queue's publish. The loser fetches, merges again on the new tip and retries.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheClonePath, ensureCacheClone, fetchRemote, publishMerge, pushItemBranch, remoteHeads } from '../../activities/remote-git';
import { git } from '../../activities/git-repo';
import { sh, tempDir } from '../helpers/repo';
import { startGitServer, type GitServer } from '../helpers/git-server';

let server: GitServer;
before(async () => (server = await startGitServer(['project'])));
after(() => server?.stop());

const ID = ['-c', 'user.name=T', '-c', 'user.email=t@example.com'];

/** A commit on `parent` adding `file` (made in a throwaway worktree of the clone). */
async function commitOn(clone: string, parent: string, file: string): Promise<string> {
  const wt = path.join(tempDir('wt'), 'w');
  await git(clone).raw(['worktree', 'add', '--quiet', '--detach', wt, parent]);
  writeFileSync(path.join(wt, file), `${file}\n`);
  await git(wt).raw(['add', file]);
  await git(wt).raw([...ID, 'commit', '--quiet', '-m', `add ${file}`]);
  const sha = await git(wt).raw(['rev-parse', 'HEAD']);
  await git(clone).raw(['worktree', 'remove', '--force', wt]);
  return sha;
}

/** The merge commit of `branchSha` onto `onto`, made in the bare clone. */
async function mergeOnto(clone: string, onto: string, branchSha: string, itemId: string): Promise<string> {
  const tree = (await git(clone).raw(['merge-tree', '--write-tree', onto, branchSha])).split('\n')[0];
  return git(clone).raw([...ID, 'commit-tree', tree, '-p', onto, '-p', branchSha, '-m', `Merge ${itemId}\n\nOverseer-Item: ${itemId}`]);
}

/** What a merge queue does: merge on the remote's tip, publish by CAS, on refusal fetch and merge again. */
async function mergeAndPublish(clone: string, branch: string, itemId: string): Promise<number> {
  for (let attempt = 1; attempt <= 20; attempt++) {
    await fetchRemote(clone);
    const onto = await git(clone).raw(['rev-parse', 'refs/remotes/origin/main']);
    const branchSha = await git(clone).raw(['rev-parse', `refs/remotes/origin/${branch}`]);
    const newTip = await mergeOnto(clone, onto, branchSha, itemId);
    const res = await publishMerge({ clone, targetBranch: 'main', onto, newTip, deleteBranches: [branch] });
    if (res.published) return attempt;
  }
  assert.fail(`${itemId} never published`);
}

function mainLog(): string[] {
  return sh(server.dir('project'), 'log', '--format=%s', 'main').split('\n');
}

describe('publishing to a remote', () => {
  it('one cache clone per remote per host; item branches only grow', async () => {
    const url = server.url('project');
    const workdir = tempDir('host-a');
    const clone = await ensureCacheClone(workdir, url);
    assert.equal(clone, cacheClonePath(workdir, url));
    assert.equal(await ensureCacheClone(workdir, url), clone, 'the second call reuses the clone');
    const base = await git(clone).raw(['rev-parse', 'refs/remotes/origin/main']);
    const c1 = await commitOn(clone, base, 'grow.txt');
    await pushItemBranch(clone, 'overseer/e/grow', c1);
    const other = await commitOn(clone, base, 'other.txt');
    await assert.rejects(pushItemBranch(clone, 'overseer/e/grow', other), /rejected|non-fast-forward|fetch first/);
    assert.equal((await remoteHeads(clone)).get('overseer/e/grow'), c1, 'a pushed commit is never dropped');
  });

  it("a human's push between merge and publish is never overwritten; the queue merges again on the new tip", async () => {
    const url = server.url('project');
    const clone = await ensureCacheClone(tempDir('host-b'), url);
    const onto = await git(clone).raw(['rev-parse', 'refs/remotes/origin/main']);
    await pushItemBranch(clone, 'overseer/e/h1', await commitOn(clone, onto, 'h1.txt'));
    await fetchRemote(clone);
    const newTip = await mergeOnto(clone, onto, await git(clone).raw(['rev-parse', 'refs/remotes/origin/overseer/e/h1']), 'h1');
    // A human pushes to main from their own clone.
    const human = tempDir('human');
    sh(human, 'clone', '-q', url, 'c');
    writeFileSync(path.join(human, 'c', 'human.txt'), 'mine\n');
    sh(path.join(human, 'c'), 'add', '.');
    sh(path.join(human, 'c'), 'commit', '-q', '-m', 'human commit');
    sh(path.join(human, 'c'), 'push', '-q', 'origin', 'main');
    const refused = await publishMerge({ clone, targetBranch: 'main', onto, newTip, deleteBranches: ['overseer/e/h1'] });
    assert.equal(refused.published, false);
    assert.ok((await remoteHeads(clone)).has('overseer/e/h1'), 'the item branch stays until its merge is published');
    assert.ok(mainLog().includes('human commit'));
    assert.equal(await mergeAndPublish(clone, 'overseer/e/h1', 'h1'), 1);
    assert.deepEqual(mainLog().slice(0, 2), ['Merge h1', 'human commit']);
    assert.ok(!(await remoteHeads(clone)).has('overseer/e/h1'), 'deleted with its merge');
  });

  it('a retried publish finds its merge there and never merges twice', async () => {
    const clone = await ensureCacheClone(tempDir('host-c'), server.url('project'));
    const onto = await git(clone).raw(['rev-parse', 'refs/remotes/origin/main']);
    await pushItemBranch(clone, 'overseer/e/r1', await commitOn(clone, onto, 'r1.txt'));
    await fetchRemote(clone);
    const newTip = await mergeOnto(clone, onto, await git(clone).raw(['rev-parse', 'refs/remotes/origin/overseer/e/r1']), 'r1');
    const req = { clone, targetBranch: 'main', onto, newTip, deleteBranches: ['overseer/e/r1'] };
    assert.deepEqual(await publishMerge(req), { published: true, target: newTip, alreadyThere: false });
    assert.deepEqual(await publishMerge(req), { published: true, target: newTip, alreadyThere: true });
    assert.equal(mainLog().filter((s) => s === 'Merge r1').length, 1);
  });

  it('two queues on two hosts publishing at the same moment never lose a commit', async () => {
    const url = server.url('project');
    const hosts = [await ensureCacheClone(tempDir('q1'), url), await ensureCacheClone(tempDir('q2'), url)];
    const items: string[] = [];
    for (let round = 0; round < 4; round++) {
      const ids = [`p${round}a`, `p${round}b`];
      await Promise.all(
        ids.map(async (id, i) => {
          const onto = await git(hosts[i]).raw(['rev-parse', 'refs/remotes/origin/main']);
          await pushItemBranch(hosts[i], `overseer/e/${id}`, await commitOn(hosts[i], onto, `${id}.txt`));
        }),
      );
      const attempts = await Promise.all(ids.map((id, i) => mergeAndPublish(hosts[i], `overseer/e/${id}`, id)));
      assert.ok(attempts.every((a) => a >= 1));
      if (process.env.OVERSEER_TEST_LOG) console.log(`round ${round}: attempts ${attempts.join(", ")}`);
      items.push(...ids);
    }
    const log = mainLog();
    for (const id of items) assert.equal(log.filter((s) => s === `Merge ${id}`).length, 1, `${id} merged exactly once`);
    assert.ok(log.includes('human commit'), "the human's commit is still there");
    const heads = await remoteHeads(hosts[0]);
    assert.deepEqual([...heads.keys()].filter((b) => b.startsWith('overseer/e/p')), [], 'no merged item branch left');
    const files = sh(server.dir('project'), 'ls-tree', '--name-only', 'main').split('\n');
    for (const id of items) assert.ok(files.includes(`${id}.txt`), `${id}'s work is on main`);
  });
});
