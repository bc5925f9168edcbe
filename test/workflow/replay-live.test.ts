/**
 * What only happens live must leave the replay unchanged: an answer refused by the update's validator (its workflow
 * task is dropped by the server), and queries (answered live, never replayed), before the answer that is taken.
 * The item's and the epic's histories, fetched once the epic is done, replay on the bundle every worker runs. With
 * the SDK's own OpenTelemetry interceptors they did not (workflows/tracing-interceptors.ts says why).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { answerQuestionUpdate, itemStatusQuery } from '../../common/api';
import { epicWorkflowId, itemWorkflowId } from '../../common/ids';
import type { EpicResult } from '../../common/status';
import { UNTRACED_SINKS, workflowBundle } from '../../workers/bundle';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { smallPlan, startEpic, waitForItem } from '../helpers/epics';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e));

describe('replay after what happens only live', () => {
  it('an answer refused by the validator, then queries, then the answer taken: both histories replay', async () => {
    const repo = makeRepo('live-only');
    const agent = fakeAgent({ items: { ask: { implement: { questions: [{ question: 'Tabs or spaces?', options: ['tabs', 'spaces'] }] } } } });
    const handle = await startEpic(env, smallPlan('live-only', repo, [{ id: 'ask' }], agent.command));
    const waiting = await waitForItem(env, 'live-only', 'ask', ['awaiting_answer']);
    const questionId = waiting.pendingQuestion!.questionId;
    const item = env.client.workflow.getHandle(itemWorkflowId('live-only', 'ask'));

    await assert.rejects(item.executeUpdate(answerQuestionUpdate, { args: [{ questionId, answer: '  ', answeredBy: 'alice' }] }), (err) => {
      assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
      assert.match(String(err.cause?.message), /empty/);
      return true;
    });
    for (let i = 0; i < 3; i++) assert.equal((await item.query(itemStatusQuery)).state, 'awaiting_answer');
    const taken = await item.executeUpdate(answerQuestionUpdate, { args: [{ questionId, answer: 'spaces', answeredBy: 'alice' }] });
    assert.equal(taken.answer, 'spaces');

    const result: EpicResult = await handle.result();
    assert.equal(result.items[0].state, 'merged');
    assert.equal(merges(repo).length, 1);
    await item.result();

    const histories = await Promise.all(
      [epicWorkflowId('live-only'), itemWorkflowId('live-only', 'ask')].map(async (workflowId) => ({ workflowId, history: await env.client.workflow.getHandle(workflowId).fetchHistory() })),
    );
    let replayed = 0;
    for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle(), sinks: UNTRACED_SINKS }, histories)) {
      assert.equal(r.error, undefined, `${r.workflowId}: ${r.error?.message}`);
      replayed++;
    }
    assert.equal(replayed, 2);
  });
});
