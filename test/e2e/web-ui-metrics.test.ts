/**
 * What the stock Web UI and Prometheus see (issue 16), on a real dev server with `overseer worker --metrics-port`
 * as its own process: the epic's and an item's current details (a pending question in both), summaries of the
 * runs and activities, the metadata query's handler descriptions, and the metrics moving during a run.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { answerSignal } from '../../common/api';
import { epicWorkflowId, itemWorkflowId } from '../../common/ids';
import { startEpic } from '../../client/actions/run';
import { freePort } from '../helpers/dev-server';
import { startTestEnv } from '../helpers/temporal';
import { makeRepo } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, overseer, smallPlan, temporal, waitFor, waitForItem } from '../helpers/epics';
import { decodePayload } from '../helpers/history';
import { metricSum } from '../helpers/prometheus';

const BIN = fileURLToPath(new URL('../../bin/overseer.js', import.meta.url));
let env: TestWorkflowEnvironment;
let worker: ChildProcess | undefined;
let metricsPort: number;

before(async () => {
  env = await startTestEnv();
  metricsPort = await freePort();
  worker = spawn(process.execPath, [BIN, 'worker', '--metrics-port', String(metricsPort), '--metrics-host', '127.0.0.1', '--build-id', 'ui-1', '--shutdown-grace', '1s'], {
    env: { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
});
after(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker!.on('exit', r));
    worker.kill('SIGTERM');
    await exited;
  }
  await env?.teardown();
});

async function scrape(): Promise<string> {
  return (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
}

describe('Web UI data and metrics', () => {
  it('current details, summaries, handler descriptions, and metrics that move', async () => {
    const repo = makeRepo('ui');
    const agent = fakeAgent({
      items: {
        ask: { implement: { questions: [{ question: 'Hash with bcrypt or argon2?', options: ['bcrypt', 'argon2'] }] } },
        slow: { implement: { delayMs: 4000 } },
      },
    });
    const plan = smallPlan('ui', repo, [item('ask'), item('slow')], agent.command, { gates: ['true'], review: { enabled: false, maxRounds: 1 } });
    await startEpic(env.client, plan);

    // During the run: sessions running and items by state.
    const during = await waitFor('metrics of a running session', async () => {
      const text = await scrape().catch(() => '');
      return metricSum(text, 'overseer_sessions_running') >= 1 && metricSum(text, 'overseer_items', { epic: 'ui', state: 'running' }) >= 1 ? text : undefined;
    }, 60_000);
    assert.match(during, /temporal_/); // the SDK's own metrics on the same endpoint

    const question = await waitForItem(env, 'ui', 'ask', ['awaiting_answer']);
    // The item's and the epic's current details (the metadata query the Web UI runs), and the handlers.
    const itemMeta = await waitFor('item details with the question', async () => {
      const r = await temporal(env, 'workflow', 'metadata', '--workflow-id', itemWorkflowId('ui', 'ask'), '--output', 'json');
      return r.code === 0 && r.stdout.includes('bcrypt or argon2') ? JSON.parse(r.stdout).queryResult[0] : undefined;
    });
    assert.match(itemMeta.currentDetails, /state: \*\*awaiting_answer\*\*/);
    const epicMeta = await waitFor('epic details with the question', async () => {
      const r = await temporal(env, 'workflow', 'metadata', '--workflow-id', epicWorkflowId('ui'), '--output', 'json');
      return r.code === 0 && r.stdout.includes('bcrypt or argon2') ? JSON.parse(r.stdout).queryResult[0] : undefined;
    });
    assert.match(epicMeta.currentDetails, /\| ask \| awaiting_answer \|/);
    const described = (defs: { name: string; description?: string }[] = []) => Object.fromEntries(defs.map((d) => [d.name, d.description ?? '']));
    const signals = described(epicMeta.definition.signalDefinitions);
    for (const name of ['answer', 'pause', 'resume', 'retryItem', 'skipItem', 'cancelItem', 'approve', 'itemUpdate']) assert.ok(signals[name], `epic signal ${name} described`);
    assert.ok(described(epicMeta.definition.queryDefinitions).status);
    assert.ok(described(epicMeta.definition.updateDefinitions).answerQuestion);
    assert.ok(described(itemMeta.definition.signalDefinitions).mergeResult);

    // Summaries: the runs' static summary/details and the activities' summaries, in describe and the history.
    const epicDesc = await temporal(env, 'workflow', 'describe', '--workflow-id', epicWorkflowId('ui'), '--output', 'json');
    assert.match(epicDesc.stdout, /Test epic ui \(2 items/);
    const itemDesc = await temporal(env, 'workflow', 'describe', '--workflow-id', itemWorkflowId('ui', 'slow'), '--output', 'json');
    assert.match(itemDesc.stdout, /slow: Item slow/);
    const history = await env.client.workflow.getHandle(itemWorkflowId('ui', 'ask')).fetchHistory();
    const summaries = (history.events ?? []).flatMap((e) => (e.userMetadata?.summary?.data ? [decodePayload<string>(e.userMetadata.summary)] : []));
    assert.ok(summaries.includes('implement ask'), `summaries: ${summaries.join(' / ')}`);
    assert.ok(summaries.some((s: string) => s.startsWith(`question ${question.pendingQuestion!.questionId} of ask`)), `summaries: ${summaries.join(' / ')}`);

    // `overseer status` names the build that serves the epic and its items.
    const status = await overseer(env, 'status', 'ui');
    assert.match(status.stdout, /builds \(deployment overseer, current ui-1\):\n {2}ui-1 \(current\): epic, ask, slow/);

    await env.client.workflow.getHandle(itemWorkflowId('ui', 'ask')).signal(answerSignal, { questionId: question.pendingQuestion!.questionId, answer: 'argon2', answeredBy: 'test' });
    await env.client.workflow.getHandle(epicWorkflowId('ui')).result();
    const end = await waitFor('metrics after the run', async () => {
      const text = await scrape();
      return metricSum(text, 'overseer_items', { epic: 'ui', state: 'merged' }) === 2 ? text : undefined;
    });
    assert.equal(metricSum(end, 'overseer_sessions_running'), 0);
    const ours = end.split('\n').filter((l) => l.startsWith('overseer_') && !l.includes('_bucket')).join('\n');
    assert.ok(metricSum(end, 'overseer_session_duration_ms_count') >= 2, `session durations recorded:\n${ours}`);
    assert.ok(metricSum(end, 'overseer_merge_duration_ms_count') >= 2, `merge durations recorded:\n${ours}`);
    assert.ok(metricSum(end, 'overseer_gate_duration_ms_count') >= 1, `gate durations recorded:\n${ours}`);
  });
});
