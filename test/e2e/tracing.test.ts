/**
 * OpenTelemetry tracing (issue 16) on a real dev server: `overseer run` and a real `overseer worker` (its own
 * process) with OTEL_EXPORTER_OTLP_ENDPOINT pointing at an OTLP/HTTP receiver in this process. The worker's batch
 * processor waits a minute between exports, so its spans arrive only because the worker flushes them as it stops.
 * Asserted: spans of the CLI's start, the epic's and items' runs, their activities (sessions, merges) with
 * Overseer's summaries, one trace from `overseer run` down to the sessions, and histories recorded with tracing on
 * replaying on a worker with tracing off.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { epicWorkflowId, itemWorkflowId } from '../../common/ids';
import { UNTRACED_SINKS, workflowBundle } from '../../workers/bundle';
import { startTestEnv } from '../helpers/temporal';
import { makeRepo, merges, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';

const BIN = fileURLToPath(new URL('../../bin/overseer.js', import.meta.url));

/** A span as the OTLP/JSON encoding carries it, with its resource's service name. */
interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpAttrs = { key: string; value: OtlpValue }[] | undefined;
const attrs = (list: OtlpAttrs): Record<string, unknown> =>
  Object.fromEntries((list ?? []).map((a) => [a.key, a.value.stringValue ?? a.value.intValue ?? a.value.boolValue ?? a.value.doubleValue]));

/** An OTLP/HTTP trace receiver: POST /v1/traces with the JSON encoding (what exporter-trace-otlp-http sends). */
async function otlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; problems: string[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const problems: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).startsWith('application/json')) {
        problems.push(`${req.method} ${req.url} (${req.headers['content-type']})`);
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: { resource?: { attributes?: OtlpAttrs }; scopeSpans: { spans: { name: string; traceId: string; spanId: string; parentSpanId?: string; attributes?: OtlpAttrs }[] }[] }[];
      };
      for (const rs of body.resourceSpans) {
        const service = String(attrs(rs.resource?.attributes)['service.name']);
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) spans.push({ service, name: s.name, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, attributes: attrs(s.attributes) });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    problems,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let env: TestWorkflowEnvironment;
let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
let worker: ChildProcess | undefined;
let workerExit: Promise<number | null> | undefined;
let workerErr = '';

before(async () => {
  // The bundle built (or read from its cache) while the server starts: the worker loads it from the cache.
  [env, receiver] = await Promise.all([startTestEnv(), otlpReceiver(), workflowBundle()]);
  worker = spawn(process.execPath, [BIN, 'worker', '--build-id', 'traced-1', '--shutdown-grace', '1s'], {
    env: { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '60000' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  worker.stderr!.on('data', (d: Buffer) => (workerErr += d.toString()));
  workerExit = new Promise((resolve) => worker!.on('exit', (code) => resolve(code)));
});
after(async () => {
  if (worker && worker.exitCode === null) {
    worker.kill('SIGKILL');
    await workerExit;
  }
  await receiver?.close();
  await env?.teardown();
});

function overseerRun(plan: string, repo: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, 'run', plan, '--repo', repo], {
      env: { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => resolve({ code, out }));
  });
}

describe('OpenTelemetry tracing', () => {
  it('traces the epic from `overseer run` through its items, sessions and merges, flushed as the worker stops', async () => {
    const repo = makeRepo('traced');
    const agent = fakeAgent();
    const plan = path.join(tempDir('plans'), 'traced.yaml');
    writeFileSync(
      plan,
      YAML.stringify({
        epicId: 'traced',
        title: 'Traced epic',
        settings: { maxParallel: 2, review: { enabled: false }, agent: { command: agent.command, retryInterval: '200ms' } },
        items: [
          { id: 'a', title: 'Item a', description: 'Do a' },
          { id: 'b', title: 'Item b', description: 'Do b', dependsOn: ['a'] },
        ],
      }),
    );
    const run = await overseerRun(plan, repo);
    assert.equal(run.code, 0, run.out);
    await env.client.workflow.getHandle(epicWorkflowId('traced')).result();
    assert.equal(merges(repo).length, 2);
    // An item's run span ends when its workflow does, which may be just after the epic's (the epic completes once
    // every item has reported its merge and cleanup; the item then returns): the worker stops after both.
    for (const id of ['a', 'b']) await env.client.workflow.getHandle(itemWorkflowId('traced', id)).result();

    // Nothing of the worker's yet (a minute between exports): its spans leave when it stops.
    const cliSpans = receiver.spans.filter((s) => s.service === 'overseer-cli');
    assert.ok(cliSpans.some((s) => s.name === 'StartWorkflow:epicWorkflow'), `the CLI's spans: ${cliSpans.map((s) => s.name).join(', ')}`);
    assert.ok(!receiver.spans.some((s) => s.service === 'overseer-worker'), 'no worker span before the worker stops');
    worker!.kill('SIGTERM');
    assert.equal(await workerExit, 0, workerErr);
    assert.deepEqual(receiver.problems, []);

    // The same span may arrive twice: when a signal lands while the task in which a workflow returns is in flight,
    // the server refuses that completion and the run returns again in the next task, exporting its run span again,
    // with the same span id (a workflow's ids come from its seeded random). It is one span.
    const spans = [...new Map(receiver.spans.map((sp) => [sp.spanId, sp])).values()];
    const named = (name: string, pred: (s: ReceivedSpan) => boolean = () => true) => spans.filter((s) => s.name === name && pred(s));
    const names = [...new Set(spans.map((s) => s.name))].sort();
    const start = named('StartWorkflow:epicWorkflow')[0];
    const epicRun = named('RunWorkflow:epicWorkflow', (s) => s.attributes.workflowId === epicWorkflowId('traced'));
    assert.equal(epicRun.length, 1, `spans: ${names.join(', ')}`);
    assert.equal(epicRun[0].service, 'overseer-worker');
    // One trace: the CLI's start is the parent of the epic's run ...
    assert.equal(epicRun[0].traceId, start.traceId);
    assert.equal(epicRun[0].parentSpanId, start.spanId);
    // ... which starts the items as children ...
    for (const id of ['a', 'b']) {
      const itemRun = named('RunWorkflow:workItemWorkflow', (s) => s.attributes.workflowId === itemWorkflowId('traced', id));
      assert.equal(itemRun.length, 1, `${id}: spans ${names.join(', ')}`);
      assert.equal(itemRun[0].traceId, start.traceId, `${id} in the epic's trace`);
      const childStart = spans.find((s) => s.spanId === itemRun[0].parentSpanId);
      assert.equal(childStart?.name, 'StartChildWorkflow:workItemWorkflow', `${id}'s run is a child of the epic's start of it`);
      // ... whose sessions run as activities, named as the Web UI names them.
      const session = named('RunActivity:runAgent', (s) => s.attributes['overseer.summary'] === `implement ${id}`);
      assert.equal(session.length, 1, `the session implementing ${id}: ${named('RunActivity:runAgent').map((s) => s.attributes['overseer.summary']).join(', ')}`);
      assert.equal(session[0].traceId, start.traceId);
      assert.equal(spans.find((s) => s.spanId === session[0].parentSpanId)?.name, 'StartActivity:runAgent');
    }
    // The merges: the item's activity signals-with-start the repository's merge queue (the worker's client is traced
    // too), whose handler and merge activity join the trace. (The queue's own run span ends when it does, or at its
    // continue-as-new: it outlives the epic.)
    const enqueue = named('SignalWithStartWorkflow:mergeQueueWorkflow');
    assert.ok(enqueue.length >= 1, `the worker's client traced: ${names.join(', ')}`);
    assert.ok(named('HandleSignal:enqueue').some((h) => enqueue.some((e) => e.spanId === h.parentSpanId)), 'the queue handles the enqueue inside its trace');
    const mergeRuns = spans.filter((s) => /^RunActivity:merge(Branch|Stack)$/.test(s.name));
    assert.ok(mergeRuns.length >= 1, `merge activities traced: ${names.join(', ')}`);
    assert.ok(mergeRuns.every((s) => s.traceId === start.traceId && String(s.attributes['overseer.summary']).startsWith('merge')), JSON.stringify(mergeRuns));

    // Histories recorded with tracing on replay on a worker with tracing off (it drops the spans).
    const ids = [epicWorkflowId('traced'), itemWorkflowId('traced', 'a'), itemWorkflowId('traced', 'b')];
    const histories = await Promise.all(ids.map(async (workflowId) => ({ workflowId, history: await env.client.workflow.getHandle(workflowId).fetchHistory() })));
    let replayed = 0;
    for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle(), sinks: UNTRACED_SINKS }, histories)) {
      assert.equal(r.error, undefined, `${r.workflowId}: ${r.error?.message}`);
      replayed++;
    }
    assert.equal(replayed, ids.length);
  });
});
