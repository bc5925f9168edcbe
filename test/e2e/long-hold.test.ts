/**
 * Issue 11 point 4: a held merge costs a constant amount of history. A dirty checkout of the target holds the
 * merge for thousands of (very short) retry intervals; the item tells the epic only when the reason changes and
 * continues-as-new when Temporal suggests it, so no run of the item grows past a bound. Then the user commits,
 * and the same request merges.
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
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges, sh } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, signalsIn, smallPlan, startEpic, waitForItem } from '../helpers/epics';

// Lowered from the server's default so a test-sized hold crosses it several times. The dev server fires the
// queue's short hold timers about once a second, so a hold of N intervals takes about N seconds here.
const SUGGEST_AT = 100;
const HOLDS = Number(process.env.OVERSEER_LONG_HOLD_INTERVALS ?? 100);
let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { serverArgs: ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_AT}`] });

/** Every run of a workflow id: run id and history length. */
async function runsOf(workflowId: string): Promise<{ runId: string; length: number }[]> {
  const out: { runId: string; length: number }[] = [];
  for await (const w of env.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) out.push({ runId: w.runId, length: w.historyLength });
  return out;
}

async function heldSignals(workflowId: string): Promise<number> {
  let n = 0;
  for (const r of await runsOf(workflowId)) {
    const h = await env.client.workflow.getHandle(workflowId, r.runId).fetchHistory();
    n += (h.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'mergeResult').length;
  }
  return n;
}

describe('a long merge hold', () => {
  it(`holds for ${HOLDS} retry intervals with every item run's history bounded, then merges`, async () => {
    const repo = makeRepo('long-hold');
    appendFileSync(path.join(repo, 'README.md'), 'work in progress, not committed\n');
    const agent = fakeAgent({});
    const plan = smallPlan('lhold', repo, [item('h')], agent.command, { mergeHoldRetry: '1ms', review: { enabled: false, maxRounds: 1 } });
    const handle = await startEpic(env, plan);
    await waitForItem(env, 'lhold', 'h', ['merging'], (s) => (s.detail ?? '').startsWith('held:'));
    const itemId = itemWorkflowId('lhold', 'h');
    const started = Date.now();
    while ((await heldSignals(itemId)) < HOLDS && Date.now() - started < HOLDS * 3000) await new Promise((r) => setTimeout(r, 3000));
    sh(repo, 'commit', '-q', '-am', 'the user commits their work');
    await env.client.workflow.getHandle(queueId(repo)).signal(recheckSignal);
    const result = (await handle.result()) as EpicResult;
    assert.equal(result.items[0].state, 'merged');
    assert.equal(merges(repo).length, 1);

    const runs = await runsOf(itemId);
    const holds = await heldSignals(itemId);
    const longest = Math.max(...runs.map((r) => r.length));
    console.log(`long hold: ${holds} held replies over ${runs.length} item runs; longest run ${longest} events; total ${runs.reduce((n, r) => n + r.length, 0)} events`);
    assert.ok(holds >= HOLDS, `the merge was held ${holds} times`);
    assert.ok(runs.length >= Math.floor((holds * 4) / (SUGGEST_AT + 50)), `the item continued-as-new (${runs.length} runs)`);
    assert.ok(longest <= SUGGEST_AT + 50, `every run of the item stays bounded (longest ${longest})`);
    // The epic heard of the hold once per reason, not once per retry.
    const reports = (await signalsIn(env, epicWorkflowId('lhold'))).filter((s) => s.name === 'itemUpdate' && /held:/.test(JSON.stringify(s.input)));
    assert.ok(reports.length <= 3, `${reports.length} held reports to the epic`);
  });
});
