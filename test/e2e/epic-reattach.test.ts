/**
 * Issue 11 point 9: after a continue-as-new the epic still sees the children earlier runs started. A child that
 * is terminated behind the epic's back (no report, no result the new run could await) is found by the next run
 * and shown as failed for a human, instead of `running` forever. One that merges is heard to its end: it says it
 * is clean by a report, since the run that started it, which would have heard it from its result, is gone. An
 * epic terminated and started again finds its item still running (the start collides): it takes that item over
 * rather than start it twice, and hears it to its end.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { epicWorkflowId, itemWorkflowId } from '../../common/ids';
import { runCount, useTemporal, workflowRuns } from '../helpers/temporal';
import { makeRepo, merges, sh } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, smallPlan, startEpic, waitFor, waitForItem } from '../helpers/epics';

const SUGGEST_AT = 20;
let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { serverArgs: ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_AT}`] });

type EpicHandle = Awaited<ReturnType<typeof startEpic>>;
const NO_REVIEW = { review: { enabled: false, maxRounds: 1 } };

/** Signals that each add events to the epic's history (and wake it), so that it is told to continue as new. */
async function wake(handle: EpicHandle): Promise<void> {
  await handle.signal('pause');
  await handle.signal('resume');
}

/** An epic of one item `a`, once that item's session runs and the epic has continued as new. */
async function epicPastContinueAsNew(epicId: string, sessionMs: number): Promise<{ repo: string; handle: EpicHandle }> {
  const repo = makeRepo(epicId);
  const agent = fakeAgent({ defaults: { implement: { delayMs: sessionMs } } });
  const handle = await startEpic(env, smallPlan(epicId, repo, [item('a')], agent.command, NO_REVIEW));
  await waitForItem(env, epicId, 'a', ['running'], (s) => s.detail === 'implementing');
  await waitFor('the epic to continue-as-new', async () => (await wake(handle), (await runCount(env, epicWorkflowId(epicId))) >= 2), 60_000);
  return { repo, handle };
}

/** Runs of `workflowId` that were started afresh, not continued from a run before. */
async function freshStarts(workflowId: string): Promise<number> {
  let n = 0;
  for (const run of await workflowRuns(env, workflowId)) {
    const history = await env.client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    if (!history.events?.[0].workflowExecutionStartedEventAttributes?.continuedExecutionRunId) n++;
  }
  return n;
}

describe('epic continue-as-new with live children', () => {
  it('a child terminated after the epic continued-as-new shows as failed, not running forever', async () => {
    const { handle } = await epicPastContinueAsNew('reattach', 120_000);
    await env.client.workflow.getHandle(itemWorkflowId('reattach', 'a')).terminate('behind the epic\'s back');
    // Wake the epic until a new run looks at its children.
    const a = await waitFor('a to show as failed', async () => {
      await wake(handle);
      const s = (await handle.query('status')) as { items: { state: string; detail?: string }[] };
      return s.items[0].state === 'failed' ? s.items[0] : undefined;
    }, 90_000);
    assert.match(a.detail ?? '', /closed without reporting/);
    await handle.signal('cancelItem', { itemId: 'a' });
    const result = (await handle.result()) as { phase: string };
    assert.equal(result.phase, 'completed');
  });

  it('a child that merges after the epic continued-as-new is heard to its end, and the epic finishes', { timeout: 120_000 }, async () => {
    const { repo, handle } = await epicPastContinueAsNew('reattach-end', 8000);
    const result = (await handle.result()) as { phase: string; items: { state: string }[] };
    assert.deepEqual([result.phase, result.items[0].state], ['completed', 'merged']);
    assert.equal(merges(repo).length, 1);
    assert.equal(sh(repo, 'branch', '--list', 'overseer/*'), '', 'the item branch is gone: it finished its cleanup');
  });

  it('an epic started again while its item runs takes the item over, and the item merges once', { timeout: 120_000 }, async () => {
    const epicId = 'restarted';
    const repo = makeRepo(epicId);
    const agent = fakeAgent({ defaults: { implement: { delayMs: 8000 } } });
    const plan = smallPlan(epicId, repo, [item('a')], agent.command, NO_REVIEW);
    const first = await startEpic(env, plan);
    await waitForItem(env, epicId, 'a', ['running'], (s) => s.detail === 'implementing');
    await first.terminate('the epic is stopped; its item (abandoned by policy) runs on');
    const again = await startEpic(env, plan);
    const result = (await again.result()) as { phase: string; items: { state: string }[] };
    assert.deepEqual([result.phase, result.items[0].state], ['completed', 'merged']);
    const history = await env.client.workflow.getHandle(epicWorkflowId(epicId), again.firstExecutionRunId).fetchHistory();
    const collided = history.events?.filter((e) => e.startChildWorkflowExecutionFailedEventAttributes?.workflowId === itemWorkflowId(epicId, 'a'));
    assert.equal(collided?.length, 1, 'the second epic tried to start the item, found it running, and did not start another');
    assert.equal(await freshStarts(itemWorkflowId(epicId, 'a')), 1, 'the item was started once (its other runs continue it)');
    assert.equal(merges(repo).length, 1);
    assert.equal(sh(repo, 'branch', '--list', 'overseer/*'), '', 'the item branch is gone: it finished its cleanup');
  });
});
