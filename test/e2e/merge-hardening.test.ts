/**
 * What a bad message, a slow gate or an ignored file must never break in the merge queue (issue 11, points 1–3),
 * on a real dev server, signalled with the plain `temporal` CLI as any user can.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { recheckSignal } from '../../common/api';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges, sh, snapshot } from '../helpers/repo';
import { temporal } from '../helpers/epics';
import { enqueue, makeBranch, mergeRequest, queueId, queueStatus, waitFor, waitForResults } from '../helpers/merge-queue';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { workers: { queues: ['core'] } });

async function historyOf(workflowId: string) {
  return (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

describe('merge queue hardening', () => {
  it('malformed enqueue signals from the plain temporal CLI are dropped or rejected; queries and merges go on', async () => {
    const repo = makeRepo('malformed');
    makeBranch(repo, 'feature/first', { 'first.txt': '1\n' });
    makeBranch(repo, 'feature/after', { 'after.txt': '2\n' });
    await enqueue(env, mergeRequest(repo, 'ok-1', 'first', 'feature/first'));
    await waitForResults(env, repo, ['ok-1']);
    const id = queueId(repo);
    const good = mergeRequest(repo, 'x', 'x', 'feature/x');
    const inputs = [
      'null',
      '"a string"',
      '[1, 2]',
      '{"requestId": 5, "replyTo": true}',
      JSON.stringify({ requestId: 'missing-fields', replyTo: 'nobody/missing' }),
      JSON.stringify({ ...good, requestId: 'bad-hold', holdRetry: '30 seconds' }),
      JSON.stringify({ ...good, requestId: 'bad-gates', mergeGates: 'npm test' }),
      JSON.stringify({ ...good, requestId: 'bad-batch', mergeBatch: 0 }),
    ];
    for (const input of inputs) {
      const r = await temporal(env, 'workflow', 'signal', '--workflow-id', id, '--name', 'enqueue', '--input', input);
      assert.equal(r.code, 0, r.stderr);
    }
    // Requests with an id and a reply address are answered with an error naming the field.
    const [missing, hold, gates, batch] = await waitForResults(env, repo, ['missing-fields', 'bad-hold', 'bad-gates', 'bad-batch']);
    assert.match(missing.outcome.status === 'error' ? missing.outcome.message : '', /invalid merge request: epicId must be a non-empty string/);
    assert.match(hold.outcome.status === 'error' ? hold.outcome.message : '', /holdRetry must be a duration .*"30 seconds"/);
    assert.match(gates.outcome.status === 'error' ? gates.outcome.message : '', /mergeGates must be a list/);
    assert.match(batch.outcome.status === 'error' ? batch.outcome.message : '', /mergeBatch must be a whole number/);

    // The queue still answers queries (by the CLI too) and still merges.
    const q = await temporal(env, 'workflow', 'query', '--workflow-id', id, '--name', 'queue');
    assert.equal(q.code, 0, q.stderr);
    await enqueue(env, mergeRequest(repo, 'ok-2', 'after', 'feature/after'));
    const [after] = await waitForResults(env, repo, ['ok-2']);
    assert.equal(after.outcome.status, 'merged');
    assert.equal(merges(repo).length, 2);
    const events = await historyOf(id);
    assert.equal(events.filter((e) => e.workflowTaskFailedEventAttributes).length, 0, 'no workflow task failed');
  });

  it('a merge gate that outlives gateTimeout is a gate_failed outcome; the merge activity is sized from the gates', async () => {
    const repo = makeRepo('slow-gate');
    sh(repo, 'config', 'core.logAllRefUpdates', 'true');
    makeBranch(repo, 'feature/slow', { 'slow.txt': 'slow\n' });
    // A compound command: its second `sleep` outlives the shell the gate runner would kill.
    const gate = 'sleep 0.1; sleep 120';
    const started = Date.now();
    await enqueue(env, mergeRequest(repo, 'slow-1', 'slow', 'feature/slow', { mergeGates: [gate, 'true'], gateTimeout: '2s' }));
    const [r] = await waitForResults(env, repo, ['slow-1'], 60_000);
    assert.equal(r.outcome.status, 'gate_failed');
    assert.ok(r.outcome.status === 'gate_failed' && r.outcome.gate === gate);
    assert.match(r.outcome.status === 'gate_failed' ? r.outcome.outputTail : '', /timed out after gateTimeout 2s/);
    assert.ok(Date.now() - started < 30_000, 'answered soon after the gate timed out, not after an activity timeout');
    assert.equal(sh(repo, 'reflog', 'show', '--format=%H', 'main').split('\n').length, 1, 'main never moved');
    const scheduled = (await historyOf(queueId(repo))).map((e) => e.activityTaskScheduledEventAttributes).find((a) => a?.activityType?.name === 'mergeStack');
    assert.equal(Number(scheduled?.startToCloseTimeout?.seconds), 2 * 2 + 600, 'gateTimeout × gates + the git margin');
  });

  it("a user's ignored .env in the checkout of main is never replaced by a merged .env: the merge holds and names it", async () => {
    const repo = makeRepo('ignored');
    sh(repo, 'config', 'core.logAllRefUpdates', 'true');
    writeFileSync(path.join(repo, '.gitignore'), '.env\n');
    sh(repo, 'add', '.gitignore');
    sh(repo, 'commit', '-q', '-m', 'ignore .env');
    // The branch adds a tracked .env (force-added past the ignore rule).
    const wt = path.join(repo, '..', `${path.basename(repo)}-branch`);
    sh(repo, 'worktree', 'add', '-q', '-b', 'feature/env', wt, 'main');
    writeFileSync(path.join(wt, '.env'), 'FROM_BRANCH=1\n');
    sh(wt, 'add', '-f', '.env');
    sh(wt, 'commit', '-q', '-m', 'add a sample .env');
    sh(repo, 'worktree', 'remove', '--force', wt);
    writeFileSync(path.join(repo, '.env'), 'SECRET=mine\n');
    const before = snapshot(repo);
    const tip = sh(repo, 'rev-parse', 'main');

    await enqueue(env, mergeRequest(repo, 'env-1', 'env', 'feature/env', { holdRetry: '1h' }));
    const held = await waitFor('the merge to be held', async () => (await queueStatus(env, repo)).current?.note);
    assert.match(held, /main is checked out at .* without overwriting a file there \(untracked or ignored: \.env\)/);
    assert.equal(readFileSync(path.join(repo, '.env'), 'utf8'), 'SECRET=mine\n');
    assert.deepEqual(snapshot(repo), before, 'the checkout is byte for byte as it was');
    assert.equal(sh(repo, 'rev-parse', 'main'), tip, 'main did not move');

    // The user moves their file away and wakes the queue: the merge goes through.
    renameSync(path.join(repo, '.env'), path.join(repo, '..', `${path.basename(repo)}.env`));
    await env.client.workflow.getHandle(queueId(repo)).signal(recheckSignal);
    const [r] = await waitForResults(env, repo, ['env-1']);
    assert.equal(r.outcome.status, 'merged');
    assert.equal(readFileSync(path.join(repo, '.env'), 'utf8'), 'FROM_BRANCH=1\n');
  });
});
