/**
 * The six-item auth epic end to end on a real Temporal dev server and a real git repository, with the simulated
 * agent: merges land in dependency order, nothing is left behind, the user's checkout is untouched.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { epicWorkflowId, TASK_QUEUE } from '../../common/ids';
import type { EpicResult, EpicStatus } from '../../common/status';
import { epicStatusQuery } from '../../common/api';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges, sh, snapshot } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { authPlan } from '../helpers/plans';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e));

describe('auth epic end to end', () => {
  it('merges all six items in dependency order, leaves nothing behind and never touches the user checkout', async () => {
    const repo = makeRepo('auth');
    // The user works on another branch with uncommitted work; main is what Overseer merges into.
    sh(repo, 'switch', '-q', '-c', 'user-wip');
    appendFileSync(path.join(repo, 'README.md'), 'local edit, not committed\n');
    writeFileSync(path.join(repo, 'notes.txt'), 'untracked scratch file\n');
    const before = snapshot(repo);
    const statusBefore = sh(repo, 'status', '--porcelain');

    const agent = fakeAgent({});
    const plan = await authPlan(repo, agent.command);
    const result: EpicResult = await env.client.workflow.execute('epicWorkflow', {
      workflowId: epicWorkflowId(plan.epicId),
      taskQueue: TASK_QUEUE,
      args: [plan],
    });

    assert.equal(result.phase, 'completed');
    assert.deepEqual(result.items.map((i) => i.state), ['merged', 'merged', 'merged', 'merged', 'merged', 'merged']);

    const log = merges(repo, 'main');
    assert.equal(log.length, 6, `six merge commits on main, got ${log.map((m) => m.subject).join(' | ')}`);
    const order = log.map((m) => /^Merge ([^:]+):/.exec(m.subject)![1]);
    for (const item of plan.items) {
      for (const dep of item.dependsOn) {
        assert.ok(order.indexOf(dep) < order.indexOf(item.id), `${dep} merged before ${item.id} (order ${order.join(', ')})`);
      }
    }
    assert.equal(log[0].subject, `Merge ${order[0]}: ${plan.items.find((i) => i.id === order[0])!.title}`);
    // Every item's file is on main.
    const tree = sh(repo, 'ls-tree', '-r', '--name-only', 'main').split('\n');
    for (const item of plan.items) assert.ok(tree.includes(`overseer-sim/${item.id}.md`), `${item.id}'s file is on main`);
    // No worktree or branch left behind.
    assert.deepEqual(sh(repo, "worktree", "list", "--porcelain").split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
    assert.equal(sh(repo, 'branch', '--list', 'overseer/*'), '');
    assert.ok(!existsSync(path.join(repo, '.overseer', 'worktrees', 'auth', 'auth-1')));
    // The user's checkout: same files, same bytes, same status, same branch.
    assert.deepEqual(snapshot(repo), before);
    assert.equal(sh(repo, 'status', '--porcelain'), statusBefore);
    assert.equal(sh(repo, 'branch', '--show-current'), 'user-wip');

    const status = (await env.client.workflow.getHandle(epicWorkflowId(plan.epicId)).query(epicStatusQuery)) as EpicStatus;
    assert.equal(status.phase, 'completed');
    for (const s of status.items) {
      assert.equal(s.state, 'merged');
      assert.match(s.mergeCommit ?? '', /^[0-9a-f]{40}$/);
      assert.ok(s.costUsd > 0, 'cost is recorded');
    }

    // Starting the same epic id again merges nothing twice.
    const again: EpicResult = await env.client.workflow.execute('epicWorkflow', {
      workflowId: epicWorkflowId(plan.epicId),
      taskQueue: TASK_QUEUE,
      args: [plan],
    });
    assert.equal(again.phase, 'completed');
    assert.equal(merges(repo, 'main').length, 6);
    assert.deepEqual(snapshot(repo), before);
  });
});
