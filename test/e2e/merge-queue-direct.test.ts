/**
 * The merge queue driven by its own signals (issue 4), on a real dev server and real git: duplicate requests,
 * continue-as-new in the middle of a stream (asked by the test, and suggested by the server, whose threshold this
 * file lowers), arrival order behind a held head, and `overseer queue` as a user runs it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { recheckSignal } from '../../common/api';
import { useTemporal, workflowRuns } from '../helpers/temporal';
import { makeRepo, merges, sh, snapshot } from '../helpers/repo';
import { enqueue, makeBranch, mergeRequest, queueId, queueStatus, waitFor, waitForResults } from '../helpers/merge-queue';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUGGEST_AFTER = 60; // history events before the server suggests continue-as-new (default 4096)

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { serverArgs: ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_AFTER}`], workers: { queues: ['core'] } });

/** Runs of the queue's workflow id, newest first (visibility catches up within moments). */
async function queueRuns(repo: string): Promise<{ runId: string; status: string }[]> {
  return (await workflowRuns(env, queueId(repo))).map((wf) => ({ runId: wf.runId, status: wf.status.name }));
}

const overseer = (...args: string[]) =>
  promisify(execFile)(process.execPath, [path.join(ROOT, 'bin', 'overseer.js'), ...args], {
    env: { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace ?? 'default' },
  });

describe('merge queue, driven directly', () => {
  it('a duplicate request for the same branch produces one merge commit', async () => {
    const repo = makeRepo('dup');
    const tip = makeBranch(repo, 'feature/dup', { 'dup.txt': 'once\n' });
    const first = mergeRequest(repo, 'dup-1', 'dup', 'feature/dup');
    await enqueue(env, first);
    await enqueue(env, first); // the same request again, while it may still be waiting
    await enqueue(env, { ...first, requestId: 'dup-2' }); // another request for the same branch
    const [r1, r2] = await waitForResults(env, repo, ['dup-1', 'dup-2']);

    assert.equal(merges(repo).length, 1);
    const commit = merges(repo)[0].hash;
    assert.deepEqual(r1.outcome, { status: 'merged', commit, alreadyMerged: false });
    assert.deepEqual(r2.outcome, { status: 'merged', commit, alreadyMerged: true });
    assert.equal(merges(repo)[0].parents[1], tip);
    // Asked once more after the fact: answered from the queue's memory, still one merge.
    await enqueue(env, first);
    const recent = await waitFor('the queue to settle', async () => {
      const s = await queueStatus(env, repo);
      return !s.current && s.waiting.length === 0 ? s.recent : undefined;
    });
    assert.deepEqual(recent.map((r) => r.requestId), ['dup-1', 'dup-2']);
    assert.equal(merges(repo).length, 1);
  });

  it('continues-as-new mid-stream (every 2 merges, in batches of 2) and still serves every request', async () => {
    const repo = makeRepo('can-input');
    const ids: string[] = [];
    for (let i = 1; i <= 7; i++) {
      makeBranch(repo, `feature/c${i}`, { [`c${i}.txt`]: `${i}\n` });
      ids.push(`can-${i}`);
    }
    // All at once, so requests are still waiting whenever the queue starts afresh.
    for (let i = 1; i <= 7; i++) await enqueue(env, mergeRequest(repo, ids[i - 1], `c${i}`, `feature/c${i}`, { mergeBatch: 2, mergeGates: ['true'] }), { continueAsNewAfter: 2 });
    const results = await waitForResults(env, repo, ids);

    assert.deepEqual(results.map((r) => r.outcome.status), Array(7).fill('merged'));
    assert.deepEqual(merges(repo).map((m) => m.subject), ids.map((_, i) => `Merge c${i + 1}: Title of c${i + 1}`), 'in arrival order');
    const runs = await waitFor('several runs of the queue', async () => {
      const r = await queueRuns(repo);
      return r.length >= 4 ? r : undefined;
    });
    assert.ok(runs.filter((r) => r.status === 'CONTINUED_AS_NEW').length >= 3, JSON.stringify(runs));
    assert.deepEqual((await queueStatus(env, repo)).recent.map((r) => r.requestId), ids, 'the history of results survives');
  });

  it('continues-as-new when the server suggests it, and still serves every request', async () => {
    const repo = makeRepo('can-suggested');
    const ids: string[] = [];
    // Twelve, in three waves: a merge without gates is a local activity, a few events of history each, and the
    // merges of one wave may all run in one workflow task (the server's suggestion is read when a task starts).
    for (let i = 1; i <= 12; i++) {
      makeBranch(repo, `feature/s${i}`, { [`s${i}.txt`]: `${i}\n` });
      ids.push(`sug-${i}`);
    }
    // One at a time (batches would merge them all in a history too short to be suggested a new run).
    for (let wave = 0; wave < 3; wave++) {
      for (let i = wave * 4 + 1; i <= wave * 4 + 4; i++) await enqueue(env, mergeRequest(repo, ids[i - 1], `s${i}`, `feature/s${i}`, { mergeBatch: 1 }));
      await waitForResults(env, repo, ids.slice(wave * 4, wave * 4 + 4));
    }
    const results = await waitForResults(env, repo, ids);
    assert.deepEqual(results.map((r) => r.outcome.status), Array(12).fill('merged'));
    assert.equal(merges(repo).length, 12);
    const runs = await waitFor('more than one run of the queue', async () => {
      const r = await queueRuns(repo);
      return r.length > 1 ? r : undefined;
    });
    assert.ok(runs.some((r) => r.status === 'CONTINUED_AS_NEW'), JSON.stringify(runs));
  });

  it('`overseer queue` shows the held merge, the requests waiting behind it in order, then the results', async () => {
    const repo = makeRepo('cli');
    for (const n of ['q1', 'q2', 'q3']) makeBranch(repo, `feature/${n}`, { [`${n}.txt`]: `${n}\n` });
    const none = await overseer('queue', repo);
    assert.match(none.stdout, /^No merge queue runs for .*cli.* \(no workflow merge-queue\//);

    // The user has main checked out with uncommitted work: the head request is held, the others wait behind it.
    appendFileSync(path.join(repo, 'README.md'), 'editing\n');
    const before = snapshot(repo);
    for (const n of ['q1', 'q2', 'q3']) await enqueue(env, mergeRequest(repo, `cli-${n}`, n, `feature/${n}`, { holdRetry: '1h' }));
    await waitFor('the head to be held with two behind it', async () => {
      const s = await queueStatus(env, repo);
      return s.current?.note && s.waiting.length === 2;
    });
    const shown = (await overseer('queue', repo)).stdout;
    assert.match(shown, /^merge queue for .*cli/);
    assert.match(shown, /merging: {2}q1 \(epic direct\) feature\/q1 → main/);
    assert.match(shown, /held: main is checked out at .* with 1 uncommitted change \(README\.md\)/);
    assert.match(shown, /waiting:\n {2}1\. q2 \(epic direct\) feature\/q2 → main\n {2}2\. q3 /);
    assert.match(shown, /recent: {3}none/);
    assert.deepEqual(snapshot(repo), before);

    sh(repo, 'stash', '-q');
    await env.client.workflow.getHandle(queueId(repo)).signal(recheckSignal);
    await waitForResults(env, repo, ['cli-q1', 'cli-q2', 'cli-q3']);
    sh(repo, 'stash', 'pop', '-q');
    assert.deepEqual(merges(repo).map((m) => m.subject), ['Merge q1: Title of q1', 'Merge q2: Title of q2', 'Merge q3: Title of q3']);

    const after = (await overseer('queue', repo)).stdout;
    assert.match(after, /merging: {2}nothing/);
    assert.match(after, /waiting: {2}none/);
    const recentLines = after.split('\n').filter((l) => / merged [0-9a-f]{10} in /.test(l));
    assert.deepEqual(recentLines.map((l) => /(q\d) \(epic direct\)/.exec(l)![1]), ['q3', 'q2', 'q1'], 'newest first');
    const json = JSON.parse((await overseer('queue', '--json', repo)).stdout);
    assert.equal(json.workflowId, queueId(repo));
    assert.deepEqual(json.recent.map((r: { commit: string }) => r.commit), merges(repo).map((m) => m.hash));
    // From inside the repository, the default is the current directory.
    const fromInside = await promisify(execFile)(process.execPath, [path.join(ROOT, 'bin', 'overseer.js'), 'queue'], {
      cwd: repo,
      env: { ...process.env, TEMPORAL_ADDRESS: env.address },
    });
    assert.match(fromInside.stdout, /^merge queue for /);
  });
});
