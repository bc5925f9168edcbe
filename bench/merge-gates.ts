/**
 * Slow merge gates (issue 15): N requests behind a merge gate that takes S seconds, one of which fails it, through
 * the merge queue batched (the default `mergeBatch`) and serialized (`mergeBatch: 1`) on identical copies of the
 * repository, in the same run. Reports gate runs and wall time of both, checks that the culprit alone got
 * `gate_failed`, that every other request merged exactly once, and that every commit on main's first-parent line
 * passes the gate (main is never red).
 *
 *   npx tsx bench/merge-gates.ts [--n 20] [--gate-seconds 2] [--culprit 7] [--batch 8] [--timeline]
 *
 * --timeline prints the batched queue's merge activities: when each started (s from the first request), how long
 * it took, how many requests it stacked, and whether it could publish (a probe of a search round cannot).
 */
import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { queueMergeResultQuery, queueStatusQuery } from '../common/api';
import type { MergeResult } from '../common/merge';
import { startTestEnv, startWorkers } from '../test/helpers/temporal';
import { makeRepo, merges, sh, tempDir } from '../test/helpers/repo';
import { enqueue, makeBranch, mergeRequest, queueId } from '../test/helpers/merge-queue';
import { flagOption, numberOption } from './args';
import { ms } from './history-steps';
import { firstPayload } from '../test/helpers/history';

const n = numberOption('n', 20);
const gateSeconds = numberOption('gate-seconds', 2);
const culprit = numberOption('culprit', 7);
const batch = numberOption('batch', 8);
const timeline = flagOption('timeline');

const repo = makeRepo('bench-gates');
for (let i = 1; i <= n; i++) makeBranch(repo, `feature/g${i}`, { [`g${i}.txt`]: `${i}\n`, ...(i === culprit ? { 'bad.txt': 'the gate rejects this\n' } : {}) });
const twin = path.join(tempDir('bench-gates-serial'), 'repo');
cpSync(repo, twin, { recursive: true });
const base = sh(repo, 'rev-parse', 'main');

async function run(env: Awaited<ReturnType<typeof startTestEnv>>, dir: string, label: string, mergeBatch: number) {
  const log = path.join(tempDir('gate-runs'), 'runs.log');
  const gate = `echo run >> ${log}; sleep ${gateSeconds}; test ! -e bad.txt`;
  const ids = Array.from({ length: n }, (_, i) => `${label}-${i + 1}`);
  const req = (i: number) => mergeRequest(dir, ids[i], `g${i + 1}`, `feature/g${i + 1}`, { epicId: 'bench', mergeGates: [gate], gateTimeout: '1m', mergeBatch });
  const t0 = performance.now();
  await enqueue(env, req(0));
  await Promise.all(ids.slice(1).map((_, i) => enqueue(env, req(i + 1))));
  const handle = env.client.workflow.getHandle(queueId(dir));
  let results: (MergeResult | undefined)[] = [];
  let doneAt: number | undefined;
  for (;;) {
    const s = await handle.query(queueStatusQuery).catch(() => undefined);
    if (s && !s.current && s.waiting.length === 0) {
      doneAt ??= performance.now(); // the queue is idle: every request has its result (fetched below, untimed)
      results = await Promise.all(ids.map((id) => handle.query(queueMergeResultQuery, id)));
      if (results.every(Boolean)) break;
      doneAt = undefined; // idle before every request had arrived
    }
    await sleep(50);
  }
  const ms = doneAt! - t0;
  const runs = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0;
  // The outcomes: the culprit alone failed, the rest merged once each, every first-parent commit is green.
  const statuses = results.map((r) => r!.outcome.status);
  const expected = statuses.map((_, i) => (i + 1 === culprit ? 'gate_failed' : 'merged'));
  if (JSON.stringify(statuses) !== JSON.stringify(expected)) throw new Error(`${label}: outcomes ${statuses.join(',')}`);
  const items = merges(dir).map((m) => /^Merge ([^:]+):/.exec(m.subject)![1]);
  if (items.length !== n - 1 || new Set(items).size !== items.length) throw new Error(`${label}: merges ${items.join(',')}`);
  for (const c of sh(dir, 'rev-list', '--first-parent', `${base}..main`).split('\n')) {
    if (sh(dir, 'ls-tree', '--name-only', c, 'bad.txt')) throw new Error(`${label}: ${c} on main is red`);
  }
  const batches = new Set(results.map((r) => r!.startedAt)).size;
  if (timeline) await printTimeline(handle, t0);
  console.log(`${label.padEnd(10)} ${(ms / 1000).toFixed(1).padStart(6)} s, ${String(runs).padStart(3)} gate runs, ${batches} merge steps; culprit g${culprit} gate_failed, ${n - 1} merged once each, main never red`);
  return { ms, runs };
}

/** The queue's mergeStack activities from its history: start, duration, requests stacked, publish or probe. */
async function printTimeline(handle: ReturnType<typeof env.client.workflow.getHandle>, t0: number) {
  const events = (await handle.fetchHistory()).events ?? [];
  const first = events.find((e) => e.workflowExecutionSignaledEventAttributes);
  const zero = first ? ms(first) : t0;
  const open = new Map<string, { start: number; items: string[]; publish: boolean }>();
  for (const e of events) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s?.activityType?.name === 'mergeStack') {
      const input = firstPayload<{ requests: { itemId: string }[]; publish?: boolean }>(s.input)!;
      open.set(String(e.eventId), { start: ms(e), items: input.requests.map((r) => r.itemId), publish: input.publish !== false });
    }
    const done = e.activityTaskCompletedEventAttributes;
    const a = done && open.get(String(done.scheduledEventId));
    if (a) console.log(`  ${((a.start - zero) / 1000).toFixed(2).padStart(6)} s +${((ms(e) - a.start) / 1000).toFixed(2)} s  ${a.publish ? 'batch' : 'probe'} of ${a.items.length}: ${a.items.join(' ')}`);
  }
}

console.log(`slow merge gates: ${n} requests, a ${gateSeconds} s gate, g${culprit} fails it (${process.platform}, node ${process.version})`);
const env = await startTestEnv();
const workers = await startWorkers(env, { queues: ['core'] });
try {
  const batched = await run(env, repo, 'batched', batch);
  const serial = await run(env, twin, 'serialized', 1);
  if (sh(repo, 'rev-parse', 'main^{tree}') !== sh(twin, 'rev-parse', 'main^{tree}')) throw new Error('the two ends differ');
  console.log(`ratio:     batched is ${(serial.ms / batched.ms).toFixed(1)}x faster than serialized (${batched.runs} gate runs vs ${serial.runs}); both ends have the same tree`);
} finally {
  await workers.stop();
  await env.teardown();
}
