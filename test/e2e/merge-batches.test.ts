/**
 * Merge batches (issue 15) on a real dev server and real git, the queue driven by its own signals: requests that
 * wait together land as one stack (gates once, one move of main) with the history a serialized queue writes; a red
 * batch is retried once, then bisected until the culprits are isolated; innocent requests all merge; every commit on
 * main's first-parent line passes the gate, and every item merges exactly once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { recheckSignal } from '../../common/api';
import type { MergeRequest } from '../../common/merge';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges, sh, tempDir } from '../helpers/repo';
import { overseer } from '../helpers/epics';
import { enqueue, makeBranch, mergeRequest, queueId, queueStatus, waitFor, waitForResults } from '../helpers/merge-queue';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { workers: { queues: ['core'] } });

/** Every value main has pointed to, oldest first. */
const moves = (repo: string) => sh(repo, 'reflog', 'show', '--format=%H', 'main').split('\n').reverse();

/** A gate that fails when `bad.txt` exists, and counts its runs in a file outside the repository. */
function countingGate(): { gate: string; runs: () => number } {
  const log = path.join(tempDir('gate-runs'), 'runs.log');
  return { gate: `echo run >> ${log}; test ! -e bad.txt`, runs: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0) };
}

/** Branches b1..bn off main, each adding its own file; those in `bad` also add bad.txt (the gate rejects it). */
function branches(repo: string, n: number, bad: number[] = []): string[] {
  const names: string[] = [];
  for (let i = 1; i <= n; i++) {
    const files: Record<string, string> = { [`part-${i}.txt`]: `part ${i}\n` };
    if (bad.includes(i)) files['bad.txt'] = `from ${i}\n`;
    makeBranch(repo, `feature/b${i}`, files);
    names.push(`feature/b${i}`);
  }
  return names;
}

/**
 * Sends the requests while main's checkout is dirty, so they all wait behind the held head; then cleans it and
 * wakes the queue: the batch sees every request at once.
 */
async function enqueueTogether(repo: string, reqs: MergeRequest[]): Promise<void> {
  appendFileSync(path.join(repo, 'README.md'), 'hold on\n');
  for (const r of reqs) await enqueue(env, r);
  await waitFor('the head held with the rest waiting', async () => {
    const s = await queueStatus(env, repo);
    return s.current?.note && s.waiting.length === reqs.length - 1;
  });
  sh(repo, 'checkout', '--', 'README.md');
  await env.client.workflow.getHandle(queueId(repo)).signal(recheckSignal);
}

/** The invariant: each commit on main's first-parent line since `from` passes the gate, and each item merged once. */
function assertGreenAndOnce(repo: string, from: string) {
  for (const c of sh(repo, 'rev-list', '--first-parent', `${from}..main`).split('\n').filter(Boolean)) {
    assert.equal(sh(repo, 'ls-tree', '--name-only', c, 'bad.txt'), '', `${c} on main's first-parent line passes the gate`);
  }
  const items = merges(repo).map((m) => /^Merge ([^:]+):/.exec(m.subject)![1]);
  assert.equal(new Set(items).size, items.length, `each item merged once: ${items.join(' ')}`);
}

describe('merge batches', () => {
  it('requests waiting together land as one stack: one gate run, one move of main, the history of a serialized queue', async () => {
    const repo = makeRepo('batch');
    sh(repo, 'config', 'core.logAllRefUpdates', 'true');
    const names = branches(repo, 5);
    const twin = path.join(tempDir('batch-twin'), 'repo');
    cpSync(repo, twin, { recursive: true });
    const { gate, runs } = countingGate();
    const reqs = names.map((b, i) => mergeRequest(repo, `batch-${i + 1}`, `b${i + 1}`, b, { mergeGates: [gate] }));
    await enqueueTogether(repo, reqs);
    const results = await waitForResults(env, repo, reqs.map((r) => r.requestId));
    assert.deepEqual(results.map((r) => r.outcome.status), Array(5).fill('merged'));
    assert.equal(runs(), 1, 'the gates ran once, on the top of the stack');
    assert.equal(moves(repo).length, 2, 'main moved once, to the top of the stack');

    // The same requests one at a time on an identical copy: the same history, commit for commit but for dates.
    const serial = reqs.map((r) => ({ ...r, requestId: `serial-${r.requestId}`, repoPath: twin, mergeBatch: 1 }));
    for (const r of serial) await enqueue(env, r);
    await waitForResults(env, twin, serial.map((r) => r.requestId));
    const body = (repo: string, c: string) => sh(repo, 'cat-file', 'commit', c).split('\n\n').slice(1).join('\n\n');
    const [a, b] = [merges(repo), merges(twin)];
    assert.deepEqual(a.map((m) => m.subject), b.map((m) => m.subject));
    assert.deepEqual(a.map((m) => m.parents[1]), b.map((m) => m.parents[1]), 'each merge commit has its branch as second parent');
    assert.deepEqual(a.map((m) => body(repo, m.hash)), b.map((m) => body(twin, m.hash)), 'same messages and trailers');
    assert.match(body(repo, a[0].hash), /Overseer-Item: .*\nOverseer-Branch: feature\/b1/);
    assert.equal(sh(repo, 'rev-parse', 'main^{tree}'), sh(twin, 'rev-parse', 'main^{tree}'));
    assert.equal(sh(repo, 'status', '--porcelain'), '', 'the clean checkout was brought along');
  });

  it('a red batch is retried, then bisected: the culprits get gate_failed, the innocent all merge, main is never red', async () => {
    const repo = makeRepo('bisect');
    const base = sh(repo, 'rev-parse', 'main');
    const names = branches(repo, 7, [3, 6]);
    const { gate, runs } = countingGate();
    const reqs = names.map((b, i) => mergeRequest(repo, `bis-${i + 1}`, `b${i + 1}`, b, { mergeGates: [gate] }));
    await enqueueTogether(repo, reqs);
    const results = await waitForResults(env, repo, reqs.map((r) => r.requestId));

    assert.deepEqual(results.map((r) => r.outcome.status), ['merged', 'merged', 'gate_failed', 'merged', 'merged', 'gate_failed', 'merged']);
    const culprit = results[2].outcome;
    assert.ok(culprit.status === 'gate_failed' && culprit.gate === gate);
    assertGreenAndOnce(repo, base);
    assert.deepEqual(merges(repo).map((m) => m.subject), ['b1', 'b2', 'b4', 'b5', 'b7'].map((b) => `Merge ${b}: Title of ${b}`), 'in queue order');
    assert.ok(runs() > 1, 'the gates ran on stacks and probes (how many: test/unit/merge-batching.test.ts)');
    assert.equal(sh(repo, 'status', '--porcelain'), '');
  });

  it('a batch that fails once (a flaky test) lands whole on its retry', async () => {
    const repo = makeRepo('flaky');
    sh(repo, 'config', 'core.logAllRefUpdates', 'true');
    const names = branches(repo, 4);
    const flag = path.join(tempDir('flaky'), 'failed-once');
    const gate = `if [ ! -e ${flag} ]; then touch ${flag}; echo flaky; exit 1; fi`;
    const reqs = names.map((b, i) => mergeRequest(repo, `flaky-${i + 1}`, `b${i + 1}`, b, { mergeGates: [gate] }));
    await enqueueTogether(repo, reqs);
    const results = await waitForResults(env, repo, reqs.map((r) => r.requestId));
    assert.deepEqual(results.map((r) => r.outcome.status), Array(4).fill('merged'));
    assert.equal(moves(repo).length, 2, 'one move of main for the whole batch');
  });

  it('`overseer queue` shows the batch under test', async () => {
    const repo = makeRepo('shown');
    const names = branches(repo, 3);
    // The gate waits until the test has looked.
    const release = path.join(tempDir('release'), 'go');
    const reqs = names.map((b, i) => mergeRequest(repo, `shown-${i + 1}`, `b${i + 1}`, b, { mergeGates: [`while [ ! -e ${release} ]; do sleep 0.1; done`] }));
    await enqueueTogether(repo, reqs);
    await waitFor('the batch of three under test', async () => (await queueStatus(env, repo)).batch?.itemIds.length === 3);
    const shown = await overseer(env, 'queue', repo);
    assert.match(shown.stdout, /batch: {4}b1, b2, b3 \(3 under test together; batch size 8\)/);
    writeFileSync(release, '');
    await waitForResults(env, repo, reqs.map((r) => r.requestId));
  });

  it('`mergeBatch: 1` merges one at a time', async () => {
    const repo = makeRepo('serial');
    const names = branches(repo, 3);
    const { gate, runs } = countingGate();
    const slow = `${gate}; sleep 0.5`;
    const reqs = names.map((b, i) => mergeRequest(repo, `ser-${i + 1}`, `b${i + 1}`, b, { mergeGates: [slow], mergeBatch: 1 }));
    for (const r of reqs) await enqueue(env, r);
    const shown = await waitFor('a batch under test', async () => (await queueStatus(env, repo)).batch);
    assert.equal(shown.itemIds.length, 1);
    await waitForResults(env, repo, reqs.map((r) => r.requestId));
    assert.equal(runs(), 3);
    assert.equal(merges(repo).length, 3);
  });
});
