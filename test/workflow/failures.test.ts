/**
 * Failures stay where they happen: an item whose agent fails for good is `failed`, only its dependents are
 * `blocked`, everything else merges; a human retry finishes the epic. A retryable API error is retried.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { retryItemSignal } from '../../common/api';
import { epicWorkflowId } from '../../common/ids';
import type { EpicResult } from '../../common/status';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges, sh } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, smallPlan, startEpic, stateOf, waitForStatus } from '../helpers/epics';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e));

describe('failures', () => {
  it('fails one item for good, blocks only its dependents, merges the rest, and finishes after a retry', async () => {
    const repo = makeRepo('fail');
    const agent = fakeAgent({ items: { a: { implement: { failAlways: 'auth' } } } });
    const plan = smallPlan('fail1', repo, [item('a'), item('b', ['a']), item('c'), item('d', ['b']), item('e', ['c'])], agent.command);
    const handle = await startEpic(env, plan);

    const settled = await waitForStatus(env, 'fail1', (s) => s.phase === 'awaiting_human' && ['c', 'e'].every((id) => stateOf(s, id) === 'merged'));
    assert.equal(stateOf(settled, 'a'), 'failed');
    assert.match(settled.items.find((i) => i.itemId === 'a')!.detail ?? '', /authentication/i);
    assert.equal(stateOf(settled, 'b'), 'blocked');
    assert.equal(stateOf(settled, 'd'), 'blocked');
    assert.deepEqual(merges(repo).map((m) => m.subject.split(':')[0]).sort(), ['Merge c', 'Merge e']);
    // The failed item's worktree is kept for a human to look at.
    assert.match(sh(repo, 'worktree', 'list'), /overseer\/fail1\/a/);

    // A human fixes the cause (here: the agent stops failing) and retries the item.
    const scenario = JSON.parse(readFileSync(agent.scenarioFile, 'utf8'));
    delete scenario.items.a;
    writeFileSync(agent.scenarioFile, JSON.stringify(scenario));
    await env.client.workflow.getHandle(epicWorkflowId('fail1')).signal(retryItemSignal, { itemId: 'a' });

    const result = (await handle.result()) as EpicResult;
    assert.equal(result.phase, 'completed');
    assert.deepEqual(Object.fromEntries(result.items.map((i) => [i.itemId, i.state])), { a: 'merged', b: 'merged', c: 'merged', d: 'merged', e: 'merged' });
    const order = merges(repo).map((m) => /^Merge ([^:]+):/.exec(m.subject)![1]);
    assert.ok(order.indexOf('a') < order.indexOf('b') && order.indexOf('b') < order.indexOf('d'), order.join(','));
    assert.equal(sh(repo, 'branch', '--list', 'overseer/*'), '');
  });

  it('retries a session that failed with a retryable API error, and the item merges', async () => {
    const repo = makeRepo('retry');
    const agent = fakeAgent({ items: { only: { implement: { failTimes: 1, failWith: 'overloaded' } } } });
    const plan = smallPlan('retry1', repo, [item('only')], agent.command);
    const result = (await (await startEpic(env, plan)).result()) as EpicResult;
    assert.equal(result.phase, 'completed');
    assert.equal(result.items[0].state, 'merged');
    assert.equal(result.items[0].attempts, 1, 'an API retry is not an implementation attempt');
    // The simulated agent ran the implementation twice: the overloaded failure, then the success.
    assert.equal(readFileSync(`${agent.scenarioFile}.state/only.implement.count`, 'utf8').trim(), '2');
    assert.equal(merges(repo).length, 1);
    assert.ok(sh(repo, 'ls-tree', '-r', '--name-only', 'main').includes('overseer-sim/only.md'));
  });

  it('merges an item that needed no change with an empty commit, so every item has its merge commit', async () => {
    const repo = makeRepo('noop');
    const agent = fakeAgent({ items: { noop: { implement: { files: {} } } } });
    const plan = smallPlan('noop1', repo, [item('noop'), item('after', ['noop'])], agent.command);
    const result = (await (await startEpic(env, plan)).result()) as EpicResult;
    assert.equal(result.phase, 'completed');
    assert.deepEqual(merges(repo).map((m) => m.subject), ['Merge noop: Item noop', 'Merge after: Item after']);
    assert.match(sh(repo, 'log', '-1', '--format=%s', `${merges(repo)[0].hash}^2`), /^noop: Item noop \(no change needed\)$/);
  });
});
