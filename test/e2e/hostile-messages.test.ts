/**
 * Issue 11 (workflow side) and issue 18: nothing a client sends can fail a workflow task. Malformed signals and
 * updates sent with the plain `temporal` CLI are ignored or rejected cleanly; a bad plan started with
 * `temporal workflow start --input-file` fails the epic at once naming the field; cancel-then-retry leaves no
 * phantom item; cancel + skip completes the epic; `approve` counts only while the item waits for it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { approveItemUpdate, approveSignal, cancelItemSignal, retryItemSignal, skipItemSignal } from '../../common/api';
import { epicWorkflowId, itemWorkflowId, TASK_QUEUE } from '../../common/ids';
import type { EpicResult } from '../../common/status';
import { useTemporal } from '../helpers/temporal';
import { failedTasks } from '../helpers/history';
import { makeRepo, merges, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { epicStatus, item, itemStatus, smallPlan, startEpic, temporal, waitForItem } from '../helpers/epics';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e));

const BAD_INPUTS = ['null', '[]', '{"itemId": 7}', '{"requestId": "r", "outcome": {"status": "held"}}'];

async function signalBadly(workflowId: string, names: string[]): Promise<void> {
  for (const name of names) {
    for (const input of BAD_INPUTS) {
      const r = await temporal(env, 'workflow', 'signal', '--workflow-id', workflowId, '--name', name, '--input', input);
      assert.equal(r.code, 0, `signal ${name} ${input}: ${r.stderr}`);
    }
  }
}

describe('hostile and careless messages', () => {
  it('malformed signals and updates by the plain temporal CLI are dropped or rejected; the epic keeps answering and finishes', async () => {
    const repo = makeRepo('hostile');
    const agent = fakeAgent({ items: { a: { implement: { delayMs: 45_000 } } } });
    const handle = await startEpic(env, smallPlan('hostile', repo, [item('a'), item('b', ['a'])], agent.command, { review: { enabled: false, maxRounds: 1 } }));
    const epicWf = epicWorkflowId('hostile');
    const itemWf = itemWorkflowId('hostile', 'a');
    await waitForItem(env, 'hostile', 'a', ['running']);
    await signalBadly(epicWf, ['itemUpdate', 'retryItem', 'skipItem', 'cancelItem', 'approve', 'answer', 'cancelOptions', 'pause', 'resume']);
    await signalBadly(itemWf, ['mergeResult', 'answer', 'approve', 'cancelOptions']);
    for (const input of ['{"itemId": "a", "run": 1, "status": 3}', '{"itemId": "a", "run": 1, "status": {"state": "bogus"}}', '{"itemId": "a", "run": 1, "status": {"state": "merged", "pendingQuestion": 5}}']) {
      assert.equal((await temporal(env, 'workflow', 'signal', '--workflow-id', epicWf, '--name', 'itemUpdate', '--input', input)).code, 0);
    }
    assert.equal((await epicStatus(env, 'hostile')).items[0].state, 'running', 'a forged report changed nothing');
    for (const wf of [epicWf, itemWf]) {
      const r = await temporal(env, 'workflow', 'update', 'execute', '--workflow-id', wf, '--name', 'answerQuestion', '--input', '{"questionId": 1}');
      assert.notEqual(r.code, 0);
      const out = r.stdout + r.stderr;
      assert.match(out, /an answer needs \{"questionId"/, out);
      assert.doesNotMatch(out, /retryable: true/, out);
      const r2 = await temporal(env, 'workflow', 'update', 'execute', '--workflow-id', wf, '--name', 'answerQuestion', '--input', '{"questionId": "nosuch", "answer": "yes"}');
      assert.match(r2.stdout + r2.stderr, /no (open )?question with id "nosuch"/);
      assert.doesNotMatch(r2.stdout + r2.stderr, /retryable: true/);
    }
    const s = await epicStatus(env, 'hostile'); // still answers queries
    assert.equal(s.phase === 'paused' || s.phase === 'running', true);
    await env.client.workflow.getHandle(epicWf).signal('resume');
    const result = (await handle.result()) as EpicResult;
    assert.equal(result.phase, 'completed');
    assert.deepEqual(merges(repo).map((m) => m.subject), ['Merge a: Item a', 'Merge b: Item b']);
    assert.deepEqual(await failedTasks(env, epicWf), []);
    assert.deepEqual(await failedTasks(env, itemWf), []);
  });

  it('a plan started by `temporal workflow start --input-file` is checked like `overseer plan`: "30 seconds" fails the epic at once', async () => {
    const repo = makeRepo('badplan');
    const plan = smallPlan('badplan', repo, [item('a')], ['true'], { mergeHoldRetry: '30 seconds' });
    const file = path.join(tempDir('plan'), 'plan.json');
    writeFileSync(file, JSON.stringify(plan));
    const r = await temporal(env, 'workflow', 'start', '--type', 'epicWorkflow', '--task-queue', TASK_QUEUE, '--workflow-id', epicWorkflowId('badplan'), '--input-file', file);
    assert.equal(r.code, 0, r.stderr);
    const err = await env.client.workflow.getHandle(epicWorkflowId('badplan')).result().then(() => undefined, (e: unknown) => e as { cause?: { message?: string; type?: string; nonRetryable?: boolean } });
    assert.ok(err, 'the epic failed');
    assert.equal(err.cause?.type, 'InvalidPlan');
    assert.equal(err.cause?.nonRetryable, true);
    assert.match(err.cause?.message ?? '', /settings\.mergeHoldRetry: must be a duration such as "30s"/);
    assert.deepEqual(await failedTasks(env, epicWorkflowId('badplan')), []);
  });

  it('cancel then retry at once: no phantom running item, the retried item merges and the epic completes', async () => {
    const repo = makeRepo('cancel-retry');
    const agent = fakeAgent({ items: { a: { implement: { delayMs: 3000 } }, c: { implement: { delayMs: 8000 } } } });
    const handle = await startEpic(env, smallPlan('cretry', repo, [item('a'), item('c')], agent.command, { review: { enabled: false, maxRounds: 1 } }));
    await waitForItem(env, 'cretry', 'a', ['running']);
    await handle.signal(cancelItemSignal, { itemId: 'a' });
    await handle.signal(retryItemSignal, { itemId: 'a' }); // before the cancelled run has closed
    const result = (await handle.result()) as EpicResult;
    assert.equal(result.phase, 'completed');
    assert.deepEqual(result.items.map((i) => [i.itemId, i.state]), [['a', 'merged'], ['c', 'merged']]);
    assert.deepEqual(merges(repo).map((m) => m.subject).sort(), ['Merge a: Item a', 'Merge c: Item c']);
  });

  it('cancel one item, skip its dependent: the epic completes (it fails only when an item failed)', async () => {
    const repo = makeRepo('cancel-skip');
    const agent = fakeAgent({ items: { a: { implement: { delayMs: 60_000 } }, c: { implement: { delayMs: 8000 } } } });
    const handle = await startEpic(env, smallPlan('cskip', repo, [item('a'), item('b', ['a']), item('c')], agent.command, { review: { enabled: false, maxRounds: 1 } }));
    await waitForItem(env, 'cskip', 'a', ['running']);
    await handle.signal(cancelItemSignal, { itemId: 'a' });
    await waitForItem(env, 'cskip', 'b', ['blocked']);
    await handle.signal(skipItemSignal, { itemId: 'b', reason: 'not needed' });
    const result = (await handle.result()) as EpicResult;
    assert.equal(result.phase, 'completed');
    assert.deepEqual(result.items.map((i) => [i.itemId, i.state]), [['a', 'cancelled'], ['b', 'skipped'], ['c', 'merged']]);
  });

  it('approve counts only while the item waits for approval', async () => {
    const repo = makeRepo('approve');
    const agent = fakeAgent({ defaults: { implement: { delayMs: 3000 } } });
    const handle = await startEpic(env, smallPlan('appr', repo, [item('a')], agent.command, { approval: 'before-merge', review: { enabled: false, maxRounds: 1 } }));
    await waitForItem(env, 'appr', 'a', ['running']);
    await handle.signal(approveSignal, { itemId: 'a', approvedBy: 'too-early' }); // dropped: the item does not wait yet
    await assert.rejects(handle.executeUpdate(approveItemUpdate, { args: [{ itemId: 'a', approvedBy: 'too-early' }] }), (err: Error) => /not waiting for approval/.test(String((err as { cause?: Error }).cause?.message)));
    await env.client.workflow.getHandle(itemWorkflowId('appr', 'a')).signal('approve', { approvedBy: 'direct-too-early' });
    await waitForItem(env, 'appr', 'a', ['approved'], (s) => /waiting for a human/.test(s.detail ?? ''));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await epicStatus(env, 'appr')).items[0].state, 'approved', 'an early approval did not count');
    assert.deepEqual(merges(repo), []);
    assert.deepEqual(await handle.executeUpdate(approveItemUpdate, { args: [{ itemId: 'a', approvedBy: 'alice' }] }), { itemId: 'a', approvedBy: 'alice' });
    const result = (await handle.result()) as EpicResult;
    assert.equal(result.phase, 'completed');
    assert.deepEqual(merges(repo).map((m) => m.subject), ['Merge a: Item a']);
    const lines = (await itemStatus(env, 'appr', 'a')).history ?? [];
    assert.ok(lines.includes('merge approved by alice'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.includes('too-early')), lines.join('\n'));
  });
});
