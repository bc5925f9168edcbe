/**
 * The `mergeBranch` activity on real git repositories, called directly as an activity retry would call it:
 * repeated calls merge once, and a merge interrupted between moving main and updating the user's clean checkout
 * of main (worker killed) is completed on retry without touching anything else.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mergeBranch, mergeMessage } from '../../activities/merge';
import { makeRepo, merges, sh, snapshot, tempDir } from '../helpers/repo';
import { makeBranch, mergeRequest } from '../helpers/merge-queue';

/** Publishes the merge of `branch` the way mergeBranch does, then "dies" before updating the user's checkout. */
function mergeAndDieBeforeCheckout(repo: string, branch: string, req: Parameters<typeof mergeMessage>[0]): string {
  const oldTip = sh(repo, 'rev-parse', 'main');
  const scratch = tempDir('scratch');
  sh(repo, 'worktree', 'add', '-q', '--detach', scratch, oldTip);
  sh(scratch, 'merge', '-q', '--no-ff', '-m', mergeMessage(req), branch);
  const newTip = sh(scratch, 'rev-parse', 'HEAD');
  sh(repo, 'update-ref', 'refs/heads/main', newTip, oldTip);
  sh(repo, 'worktree', 'remove', '--force', scratch);
  return newTip;
}

describe('mergeBranch', () => {
  it('called twice for the same branch merges once and reports the same commit', async () => {
    const repo = makeRepo('twice');
    makeBranch(repo, 'feature/x', { 'x.txt': 'x\n' });
    sh(repo, 'switch', '-q', '-c', 'elsewhere');
    const req = mergeRequest(repo, 'r1', 'x', 'feature/x');
    const first = await mergeBranch(req);
    const second = await mergeBranch({ ...req, requestId: 'r2' });
    assert.equal(first.status, 'merged');
    assert.deepEqual(second, { status: 'merged', commit: first.status === 'merged' ? first.commit : '', alreadyMerged: true });
    assert.equal(merges(repo).length, 1);
    assert.equal(sh(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1, 'no scratch left');
  });

  it('records an item whose branch brings nothing new with an empty merge commit, once', async () => {
    const repo = makeRepo('empty');
    // An item that needed no change: its branch holds one empty commit (the item workflow makes it).
    sh(repo, 'switch', '-q', '-c', 'feature/nothing');
    sh(repo, 'commit', '-q', '--allow-empty', '-m', 'nothing: no change needed');
    sh(repo, 'switch', '-q', '-c', 'elsewhere');
    const treeBefore = sh(repo, 'rev-parse', 'main^{tree}');
    const req = mergeRequest(repo, 'e1', 'nothing', 'feature/nothing');
    const first = await mergeBranch(req);
    assert.equal(first.status, 'merged');
    assert.deepEqual(merges(repo).map((m) => m.subject), ['Merge nothing: Title of nothing']);
    assert.equal(sh(repo, 'rev-parse', 'main^{tree}'), treeBefore, 'the tree is unchanged');
    const again = await mergeBranch({ ...req, requestId: 'e2' });
    assert.deepEqual(again, { status: 'merged', commit: first.status === 'merged' ? first.commit : '', alreadyMerged: true });
    assert.equal(merges(repo).length, 1);
  });

  it('merges the same way with merge gates (in a scratch worktree) and without (in memory)', async () => {
    const made = [];
    for (const gates of [[], ['test -f y.txt']]) {
      const repo = makeRepo('paths');
      makeBranch(repo, 'feature/y', { 'y.txt': 'y\n' });
      sh(repo, 'switch', '-q', '-c', 'elsewhere');
      const out = await mergeBranch(mergeRequest(repo, 'r1', 'y', 'feature/y', { mergeGates: gates }));
      assert.equal(out.status, 'merged');
      made.push({ tree: sh(repo, 'rev-parse', 'main^{tree}'), parents: merges(repo)[0].parents.length, body: sh(repo, 'cat-file', 'commit', 'main').split('\n\n').slice(1).join('\n\n') });
    }
    assert.deepEqual(made[0], made[1]);
    assert.match(made[0].body, /^Merge y: Title of y\n\nOverseer-Item: direct\/y\nOverseer-Branch: feature\/y$/);
  });

  it('reports the conflicting files without a worktree, and with one', async () => {
    for (const gates of [[], ['true']]) {
      const repo = makeRepo('conflict');
      makeBranch(repo, 'feature/a', { 'README.md': 'a\n', 'same.txt': 'same\n' });
      sh(repo, 'switch', '-q', '-c', 'elsewhere');
      writeFileSync(path.join(repo, 'README.md'), 'main moved\n');
      sh(repo, 'commit', '-q', '-am', 'main moves');
      sh(repo, 'branch', '-f', 'main', 'elsewhere');
      const tip = sh(repo, 'rev-parse', 'main');
      const out = await mergeBranch(mergeRequest(repo, 'r1', 'a', 'feature/a', { mergeGates: gates }));
      assert.deepEqual(out, { status: 'conflict', files: ['README.md'], targetTip: tip });
      assert.equal(sh(repo, 'rev-parse', 'main'), tip);
    }
  });

  it('a retry after a crash between moving main and updating the clean checkout brings the checkout along', async () => {
    const repo = makeRepo('crash');
    makeBranch(repo, 'feature/y', { 'y.txt': 'y\n' });
    const req = mergeRequest(repo, 'r1', 'y', 'feature/y');
    const merged = mergeAndDieBeforeCheckout(repo, 'feature/y', req);
    // The user's checkout of main now lags behind its branch: git status shows the merge as if undone.
    assert.notEqual(sh(repo, 'status', '--porcelain'), '');

    const retry = await mergeBranch(req);
    assert.deepEqual(retry, { status: 'merged', commit: merged, alreadyMerged: true });
    assert.equal(sh(repo, 'status', '--porcelain'), '');
    assert.equal(readFileSync(path.join(repo, 'y.txt'), 'utf8'), 'y\n');
  });

  it('after such a crash, edits the user made since are kept, byte for byte, while the checkout catches up', async () => {
    const repo = makeRepo('crash-edited');
    makeBranch(repo, 'feature/z', { 'z.txt': 'z\n' });
    const req = mergeRequest(repo, 'r1', 'z', 'feature/z');
    mergeAndDieBeforeCheckout(repo, 'feature/z', req);
    appendFileSync(path.join(repo, 'README.md'), 'typing\n');
    const readme = readFileSync(path.join(repo, 'README.md'));

    assert.equal((await mergeBranch(req)).status, 'merged');
    assert.deepEqual(readFileSync(path.join(repo, 'README.md')), readme);
    assert.equal(sh(repo, 'status', '--porcelain'), 'M README.md');
    assert.equal(readFileSync(path.join(repo, 'z.txt'), 'utf8'), 'z\n');
  });

  it('after such a crash, a checkout that cannot catch up without overwriting a file is left exactly as it is', async () => {
    const repo = makeRepo('crash-in-the-way');
    makeBranch(repo, 'feature/w', { 'w.txt': 'from the branch\n' });
    const req = mergeRequest(repo, 'r1', 'w', 'feature/w');
    mergeAndDieBeforeCheckout(repo, 'feature/w', req);
    writeFileSync(path.join(repo, 'w.txt'), 'the user wrote this\n');
    const before = snapshot(repo);
    const status = sh(repo, 'status', '--porcelain');

    assert.equal((await mergeBranch(req)).status, 'merged');
    assert.deepEqual(snapshot(repo), before);
    assert.equal(sh(repo, 'status', '--porcelain'), status);
  });
});
