/**
 * The merge queue under epics (issue 4), on a real Temporal dev server and real git with the simulated agent:
 * merges from two epics never overlap, a user's dirty checkout of the target is never touched (the merge waits),
 * and a merge gate that fails on the merged result never lets the target branch move.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { epicStatusQuery, itemStatusQuery, recheckSignal } from '../../common/api';
import { epicWorkflowId, itemWorkflowId, TASK_QUEUE } from '../../common/ids';
import type { EpicPlan } from '../../common/plan';
import type { EpicResult } from '../../common/status';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges, sh, snapshot, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { queueId, queuePlan, queueStatus, waitFor, workItem } from '../helpers/merge-queue';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e));

const runEpic = (plan: EpicPlan): Promise<EpicResult> =>
  env.client.workflow.execute('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });

/** Every value the branch has pointed to, oldest first (the reflog records each move). */
const branchMoves = (repo: string, branch = 'main') => sh(repo, 'reflog', 'show', '--format=%H', branch).split('\n').reverse();

describe('merge queue', () => {
  it('two epics on one repository: merges never overlap, one merge per item on the first-parent line', async () => {
    const repo = makeRepo('two-epics');
    // Each merge gate run records when it starts and ends, outside the repository (it runs in the scratch merge).
    const intervalsLog = path.join(tempDir('intervals'), 'gates.log');
    const gate = `echo "start $(date +%s%N)" >> ${intervalsLog}; sleep 0.3; echo "end $(date +%s%N)" >> ${intervalsLog}`;
    const agent = fakeAgent({});
    const settings = { maxParallel: 3, mergeGates: [gate], review: { enabled: false, maxRounds: 1 } };
    const one = queuePlan('epic-one', repo, [workItem('one-a'), workItem('one-b'), workItem('one-c')], agent.command, settings);
    const two = queuePlan('epic-two', repo, [workItem('two-a'), workItem('two-b'), workItem('two-c')], agent.command, settings);

    const [r1, r2] = await Promise.all([runEpic(one), runEpic(two)]);
    assert.equal(r1.phase, 'completed');
    assert.equal(r2.phase, 'completed');
    const ids = [...one.items, ...two.items].map((i) => i.id);

    // The first-parent line of main: the initial commit and exactly one merge per item, nothing else.
    const log = merges(repo);
    assert.equal(log.length, 6);
    assert.deepEqual(log.map((m) => /^Merge ([^:]+):/.exec(m.subject)![1]).sort(), [...ids].sort());
    assert.equal(sh(repo, 'rev-list', '--first-parent', '--count', 'main'), '7');
    for (const id of ids) assert.equal(sh(repo, 'show', `main:overseer-sim/${id}.md`).startsWith('# Item'), true);

    // No two merges overlap: neither as the queue saw them nor as the gate processes ran. Requests merged together
    // (one batch: the same start) ran the gates once, on the top of their stack.
    const recent = (await queueStatus(env, repo)).recent;
    assert.equal(recent.length, 6);
    assert.deepEqual(recent.map((r) => r.outcome), Array(6).fill('merged'));
    const batches = [...new Set(recent.map((r) => r.startedAt))].map((start) => recent.filter((r) => r.startedAt === start));
    for (let i = 1; i < batches.length; i++) {
      assert.ok(batches[i][0].startedAt >= Math.max(...batches[i - 1].map((r) => r.at)), `batch ${batches[i].map((r) => r.itemId)} started after the one before ended`);
    }
    const marks = readFileSync(intervalsLog, 'utf8').trim().split('\n').map((l) => l.split(' '));
    assert.equal(marks.length, 2 * batches.length, 'one gate run per batch');
    for (let i = 0; i < marks.length; i++) {
      assert.equal(marks[i][0], i % 2 === 0 ? 'start' : 'end', `gate runs never interleave: ${marks.map((m) => m[0]).join(',')}`);
      if (i > 0) assert.ok(BigInt(marks[i][1]) >= BigInt(marks[i - 1][1]));
    }
    // The queue's merge commits are the ones on main, in the same order.
    assert.deepEqual(recent.map((r) => r.commit), log.map((m) => m.hash));
  });

  it("a dirty checkout of main is left byte for byte; the merge waits, says why, and proceeds once it is committed", async () => {
    const repo = makeRepo('dirty');
    appendFileSync(path.join(repo, 'README.md'), 'work in progress, not committed\n');
    const before = snapshot(repo);
    const statusBefore = sh(repo, 'status', '--porcelain');
    const tipBefore = sh(repo, 'rev-parse', 'main');
    const agent = fakeAgent({});
    // A long hold retry: the test wakes the queue with `recheck` instead of waiting.
    const plan = queuePlan('dirty', repo, [workItem('d')], agent.command, { mergeHoldRetry: '1h', review: { enabled: false, maxRounds: 1 } });
    const handle = await env.client.workflow.start('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });

    const held = await waitFor('the merge of d to be held', async () => {
      const d = (await handle.query(epicStatusQuery)).items[0];
      return d.state === 'merging' && d.detail?.startsWith('held:') ? d : undefined;
    });
    assert.match(held.detail!, /main is checked out at .* with 1 uncommitted change \(README\.md\)/);
    assert.match((await queueStatus(env, repo)).current?.note ?? '', /uncommitted change/);
    assert.deepEqual(snapshot(repo), before, 'the checkout is untouched, byte for byte');
    assert.equal(sh(repo, 'status', '--porcelain'), statusBefore);
    assert.equal(sh(repo, 'rev-parse', 'main'), tipBefore);

    sh(repo, 'commit', '-q', '-am', 'the user commits their work');
    await env.client.workflow.getHandle(queueId(repo)).signal(recheckSignal);
    const result: EpicResult = await handle.result();
    assert.equal(result.items[0].state, 'merged');
    const log = merges(repo);
    assert.equal(log.length, 1);
    assert.equal(sh(repo, 'log', '-1', '--format=%s', log[0].parents[0]), 'the user commits their work');
    // The clean checkout was brought along: the user's work is there, the item's file too, nothing pending.
    assert.match(readFileSync(path.join(repo, 'README.md'), 'utf8'), /work in progress, not committed/);
    assert.ok(readFileSync(path.join(repo, 'overseer-sim', 'd.md'), 'utf8').startsWith('# Item d'));
    assert.equal(sh(repo, 'status', '--porcelain'), '');
  });

  it('an untracked file in the way in a clean checkout of main holds the merge without moving main', async () => {
    const repo = makeRepo('in-the-way');
    // The user has an untracked file exactly where the item will add one: bringing the checkout along would overwrite it.
    const inTheWay = path.join(repo, 'overseer-sim', 'w.md');
    sh(repo, 'config', 'core.logAllRefUpdates', 'true');
    const agent = fakeAgent({});
    const plan = queuePlan('in-the-way', repo, [workItem('w')], agent.command, { mergeHoldRetry: '1h', review: { enabled: false, maxRounds: 1 } });
    mkdirSync(path.dirname(inTheWay), { recursive: true });
    writeFileSync(inTheWay, 'my own notes\n');
    const before = snapshot(repo);
    const handle = await env.client.workflow.start('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });

    const held = await waitFor('the merge of w to be held', async () => {
      const w = (await handle.query(epicStatusQuery)).items[0];
      return w.state === 'merging' && w.detail?.startsWith('held:') ? w : undefined;
    });
    assert.match(held.detail!, /without overwriting a file there .*overseer-sim\/w\.md/);
    assert.deepEqual(snapshot(repo), before);
    assert.equal(branchMoves(repo).length, 1, 'main never moved, not even for a moment');

    rmSync(inTheWay);
    await env.client.workflow.getHandle(queueId(repo)).signal(recheckSignal);
    const result: EpicResult = await handle.result();
    assert.equal(result.items[0].state, 'merged');
    assert.equal(branchMoves(repo).length, 2);
    assert.equal(sh(repo, 'status', '--porcelain'), '');
  });

  it('a merge gate failing on the merged result never moves main; the item goes back to its implementer', async () => {
    const repo = makeRepo('gate');
    sh(repo, 'config', 'core.logAllRefUpdates', 'true');
    const agent = fakeAgent({
      items: {
        // The implementation leaves a debug file the merge gate forbids; the fix session removes it.
        g: { implement: { files: { 'overseer-sim/g.md': '# Item g\n', 'debug.log': 'left over\n' } }, fix: { bash: ['git rm -q debug.log'] } },
      },
    });
    const plan = queuePlan('gate', repo, [workItem('g')], agent.command, { mergeGates: ['test ! -e debug.log'], review: { enabled: false, maxRounds: 1 } });
    const result = await runEpic(plan);

    assert.equal(result.items[0].state, 'merged');
    const g = await env.client.workflow.getHandle(itemWorkflowId(plan.epicId, 'g')).query(itemStatusQuery);
    assert.ok(g.history!.some((h) => h.startsWith('running: fixing merge gate failure: test ! -e debug.log')), g.history!.join(' | '));
    assert.equal(g.attempts, 2, 'the gate failure cost an attempt');
    // main moved exactly once, to the good merge: the failing merged result was never published.
    const moves = branchMoves(repo);
    assert.equal(moves.length, 2);
    assert.equal(moves[1], merges(repo)[0].hash);
    assert.equal(sh(repo, 'ls-tree', '--name-only', 'main', 'debug.log'), '');
    const recent = (await queueStatus(env, repo)).recent;
    assert.deepEqual(recent.map((r) => r.outcome), ['gate_failed', 'merged']);
  });
});
