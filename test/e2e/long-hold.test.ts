/**
 * Issue 11 point 4: a held merge costs a constant amount of history. A dirty checkout of the target holds the
 * merge for many (very short) retry intervals: the queue retries each interval and continues-as-new when Temporal
 * suggests it, tells the item only when the reason changes, and the item tells the epic only then too, so no run
 * of any of them grows past a bound. Then the user commits, and the same request merges.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { recheckSignal } from '../../common/api';
import { epicWorkflowId, itemWorkflowId } from '../../common/ids';
import { queueId } from '../helpers/merge-queue';
import type { EpicResult } from '../../common/status';
import { useTemporal, workflowRuns } from '../helpers/temporal';
import { makeRepo, merges, sh } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, signalsIn, smallPlan, startEpic, waitForItem } from '../helpers/epics';

// Lowered from the server's default so a test-sized hold crosses it several times. The dev server fires the
// queue's short hold timers about once a second, so a hold of N intervals takes about N seconds here.
const SUGGEST_AT = 60;
/** Retry intervals of the queue to wait through (about one a second here; set more for a longer soak). */
const HOLDS = Number(process.env.OVERSEER_LONG_HOLD_INTERVALS ?? 40);
let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { serverArgs: ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_AT}`] });

/** Every run of a workflow id: run id and history length. */
async function runsOf(workflowId: string): Promise<{ runId: string; length: number }[]> {
  return (await workflowRuns(env, workflowId)).map((w) => ({ runId: w.runId, length: w.historyLength }));
}

/** Events of every run of a workflow id that match `pick`. */
async function countEvents(workflowId: string, pick: (e: { workflowExecutionSignaledEventAttributes?: { signalName?: string | null } | null; timerFiredEventAttributes?: unknown }) => boolean): Promise<number> {
  let n = 0;
  for (const r of await runsOf(workflowId)) {
    const h = await env.client.workflow.getHandle(workflowId, r.runId).fetchHistory();
    n += (h.events ?? []).filter(pick).length;
  }
  return n;
}
const heldSignals = (workflowId: string) => countEvents(workflowId, (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'mergeResult');
const queueRetries = (workflowId: string) => countEvents(workflowId, (e) => Boolean(e.timerFiredEventAttributes));

describe('a long merge hold', () => {
  it(`holds for ${HOLDS} retry intervals with every item run's history bounded, then merges`, async () => {
    const repo = makeRepo('long-hold');
    appendFileSync(path.join(repo, 'README.md'), 'work in progress, not committed\n');
    const agent = fakeAgent({});
    const plan = smallPlan('lhold', repo, [item('h')], agent.command, { mergeHoldRetry: '1ms', review: { enabled: false, maxRounds: 1 } });
    const handle = await startEpic(env, plan);
    await waitForItem(env, 'lhold', 'h', ['merging'], (s) => (s.detail ?? '').startsWith('held:'));
    const itemId = itemWorkflowId('lhold', 'h');
    const queue = queueId(repo);
    const started = Date.now();
    while ((await queueRetries(queue)) < HOLDS && Date.now() - started < HOLDS * 3000) await new Promise((r) => setTimeout(r, 3000));
    sh(repo, 'commit', '-q', '-am', 'the user commits their work');
    await env.client.workflow.getHandle(queue).signal(recheckSignal);
    const result = (await handle.result()) as EpicResult;
    assert.equal(result.items[0].state, 'merged');
    assert.equal(merges(repo).length, 1);

    const retries = await queueRetries(queue);
    const queueRuns = await runsOf(queue);
    const runs = await runsOf(itemId);
    const holds = await heldSignals(itemId);
    const longest = Math.max(...runs.map((r) => r.length));
    const longestQueue = Math.max(...queueRuns.map((r) => r.length));
    console.log(`long hold: ${retries} retries of the queue over ${queueRuns.length} queue runs (longest ${longestQueue} events); the item heard ${holds} held replies, longest item run ${longest} events`);
    assert.ok(retries >= HOLDS, `the queue retried the held merge ${retries} times`);
    assert.ok(holds <= 3, `the item is told of a hold when its reason changes, not every interval (${holds})`);
    assert.ok(longest <= SUGGEST_AT + 50, `every run of the item stays bounded (longest ${longest})`);
    assert.ok(queueRuns.length >= 2 && longestQueue <= SUGGEST_AT + 60, `the queue continued-as-new and every run stays bounded (${queueRuns.length} runs, longest ${longestQueue})`);
    // The epic heard of the hold once per reason, not once per retry.
    const reports = (await signalsIn(env, epicWorkflowId('lhold'))).filter((s) => s.name === 'itemUpdate' && /held:/.test(JSON.stringify(s.input)));
    assert.ok(reports.length <= 3, `${reports.length} held reports to the epic`);
  });
});
