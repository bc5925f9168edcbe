/**
 * The `mergeStack` activity on real repositories, called directly: the commits it writes into the object store are
 * the ones `git commit-tree` writes, a rerun never merges twice, and a request that conflicts with one stacked before
 * it waits for the next batch, where it meets the conflict on the real tip.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mergeStack } from '../../activities/merge';
import { commitContent } from '../../activities/git-objects';
import { makeRepo, merges, sh } from '../helpers/repo';
import { makeBranch, mergeRequest } from '../helpers/merge-queue';

describe('mergeStack', () => {
  it('writes the merge commits git commit-tree would write; the repository stays sound', async () => {
    const repo = makeRepo('objects');
    const reqs = ['a', 'b', 'c'].map((n) => {
      makeBranch(repo, `feature/${n}`, { [`${n}.txt`]: `${n}\n` });
      return mergeRequest(repo, `obj-${n}`, n, `feature/${n}`);
    });
    const r = await mergeStack({ requests: reqs });
    assert.equal(r.stack.status, 'merged');
    assert.equal(merges(repo).length, 3);
    execFileSync('git', ['fsck', '--strict', '--no-dangling'], { cwd: repo, stdio: 'pipe' });
    for (const m of merges(repo)) {
      const raw = sh(repo, 'cat-file', 'commit', m.hash);
      const when = Number(/^committer .* (\d+) \+0000$/m.exec(raw)![1]);
      const message = raw.slice(raw.indexOf('\n\n') + 2);
      assert.equal(`${raw}\n`, commitContent(sh(repo, 'rev-parse', `${m.hash}^{tree}`), m.parents, message, when));
      const byGit = execFileSync('git', ['commit-tree', `${m.hash}^{tree}`, '-p', m.parents[0], '-p', m.parents[1], '-m', message.trimEnd()], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, GIT_AUTHOR_NAME: 'Overseer', GIT_AUTHOR_EMAIL: 'overseer@localhost', GIT_COMMITTER_NAME: 'Overseer', GIT_COMMITTER_EMAIL: 'overseer@localhost', GIT_AUTHOR_DATE: `@${when} +0000`, GIT_COMMITTER_DATE: `@${when} +0000` },
      }).trim();
      assert.equal(byGit, m.hash, 'the same object, byte for byte');
    }
  });

  it('a rerun of the same stack merges nothing again and reports the existing merge commits', async () => {
    const repo = makeRepo('rerun');
    sh(repo, 'switch', '-q', '-c', 'elsewhere');
    const reqs = ['a', 'b'].map((n) => {
      makeBranch(repo, `feature/${n}`, { [`${n}.txt`]: `${n}\n` });
      return mergeRequest(repo, `re-${n}`, n, `feature/${n}`);
    });
    const first = await mergeStack({ requests: reqs });
    const again = await mergeStack({ requests: reqs });
    assert.equal(merges(repo).length, 2);
    assert.deepEqual(
      again.outcomes.map((o) => o.outcome),
      first.outcomes.map((o) => ({ ...o.outcome, alreadyMerged: true })),
    );
    assert.equal(again.stack.status, 'none');
  });

  it('a request that conflicts with one stacked before it waits; at the head of the next batch it meets the conflict', async () => {
    const repo = makeRepo('cut');
    sh(repo, 'switch', '-q', '-c', 'elsewhere');
    makeBranch(repo, 'feature/a', { 'shared.txt': 'from a\n' });
    makeBranch(repo, 'feature/b', { 'shared.txt': 'from b\n' });
    makeBranch(repo, 'feature/c', { 'c.txt': 'c\n' });
    const [a, b, c] = ['a', 'b', 'c'].map((n) => mergeRequest(repo, `cut-${n}`, n, `feature/${n}`));
    const first = await mergeStack({ requests: [a, b, c] });
    assert.deepEqual(first.stacked, ['cut-a'], 'the stack ends before b');
    assert.deepEqual(first.outcomes.map((o) => o.requestId), ['cut-a']);
    const next = await mergeStack({ requests: [b, c] });
    const conflict = next.outcomes.find((o) => o.requestId === 'cut-b')!.outcome;
    assert.deepEqual(conflict, { status: 'conflict', files: ['shared.txt'], targetTip: first.stack.status === 'merged' ? first.stack.tip : '' });
    assert.deepEqual(merges(repo).map((m) => m.subject), ['Merge a: Title of a', 'Merge c: Title of c']);
  });
});
