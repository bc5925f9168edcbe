/**
 * Merge throughput (issue 4): N approved branches touching disjoint files go through the merge queue on a local
 * Temporal dev server; the same N branches are merged by a plain shell loop of `git merge --no-ff` on an identical
 * copy of the repository, in the same run (the worker warmed by one merge elsewhere first). Reports merges per minute for both and their ratio, and checks that both
 * ends agree (same number of merges, same final tree).
 *
 *   npx tsx bench/merge-throughput.ts [--n 50]
 */
import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { queueMergeResultQuery, queueStatusQuery } from '../common/api';
import type { MergeResult } from '../common/merge';
import { startTestEnv, startWorkers } from '../test/helpers/temporal';
import { makeRepo, merges, sh, tempDir } from '../test/helpers/repo';
import { makeBranch, mergeRequest, queueId } from '../test/helpers/merge-queue';
import { createQueueActivities } from '../activities/queue-client';
import { openRepo } from '../activities/git-repo';
import { numberOption } from './args';


const n = numberOption('n', 50);
const perMinute = (count: number, ms: number) => (count / ms) * 60_000;

// Two identical repositories: main checked out and clean in both (each merge also updates that checkout).
const repo = makeRepo('bench-queue');
const branches: string[] = [];
for (let i = 1; i <= n; i++) {
  const b = `feature/b${String(i).padStart(3, '0')}`;
  makeBranch(repo, b, { [`parts/b${i}.txt`]: `part ${i}\n` });
  branches.push(b);
}
const twin = path.join(tempDir('bench-shell'), 'repo');
cpSync(repo, twin, { recursive: true });

console.log(`merge throughput: ${n} branches, disjoint files (${process.platform}, node ${process.version})`);
const env = await startTestEnv();
const workers = await startWorkers(env, { queues: ['core'] });
try {
  // Requests are sent by the items' own `enqueueMerge` activity code.
  const { enqueueMerge } = createQueueActivities(env.client);
  // A long-running worker has its workflow sandbox and activity modules loaded: warm this one with one merge in
  // another repository (its own queue) before the clock starts.
  const warm = makeRepo('bench-warm');
  makeBranch(warm, 'feature/warm', { 'warm.txt': 'warm\n' });
  await enqueueMerge(mergeRequest(warm, 'warm-1', 'warm', 'feature/warm', { epicId: 'bench' }));
  while (!(await env.client.workflow.getHandle(queueId(warm)).query(queueMergeResultQuery, 'warm-1').catch(() => undefined))) await sleep(50);

  // Through the queue: every request at once, as parallel items would send them; done when the last is answered.
  // The requests are built before the clock starts (the helper asks git synchronously for the repository's top
  // level, which would hold up every send behind it), and the repository is opened once, as a worker has done for
  // the items' worktrees long before they merge.
  const ids = branches.map((_, i) => `bench-${i + 1}`);
  const requests = ids.map((id, i) => mergeRequest(repo, id, `b${i + 1}`, branches[i], { epicId: 'bench' }));
  await openRepo(repo);
  const t0 = performance.now();
  const wall0 = Date.now();
  // Sent concurrently, in order of their ids (the queue takes them in arrival order either way).
  await enqueueMerge(requests[0]);
  await Promise.all(requests.slice(1).map((req) => enqueueMerge(req)));
  const enqueuedMs = performance.now() - t0;
  const handle = env.client.workflow.getHandle(queueId(repo));
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
    await sleep(20);
  }
  const queueMs = doneAt! - t0;
  const failed = results.filter((r) => r?.outcome.status !== 'merged');
  if (failed.length) throw new Error(`${failed.length} requests did not merge: ${JSON.stringify(failed[0])}`);
  const latencies = results.map((r) => r!.finishedAt - r!.startedAt).sort((a, b) => a - b);
  const starts = [...new Set(results.map((r) => r!.startedAt))].sort((a, b) => a - b);
  const batches = starts.length;
  const perBatch = starts.map((st) => {
    const rs = results.filter((r) => r!.startedAt === st);
    return `${rs.length}:${Math.max(...rs.map((r) => r!.finishedAt)) - st}ms (+${st - wall0} ms)`;
  });

  // The same merges by hand.
  const script = `for b in ${branches.join(' ')}; do git merge -q --no-ff --no-verify -m "Merge $b" "$b" || exit 1; done`;
  const t1 = performance.now();
  execFileSync('bash', ['-c', script], { cwd: twin, stdio: 'inherit' });
  const shellMs = performance.now() - t1;

  const queueMerges = merges(repo).length;
  const shellMerges = merges(twin).length;
  const sameTree = sh(repo, 'rev-parse', 'main^{tree}') === sh(twin, 'rev-parse', 'main^{tree}');
  if (queueMerges !== n || shellMerges !== n || !sameTree) throw new Error(`mismatch: queue ${queueMerges}, shell ${shellMerges}, same tree ${sameTree}`);

  const q = perMinute(n, queueMs);
  const s = perMinute(n, shellMs);
  console.log(`queue:      ${n} merges in ${(queueMs / 1000).toFixed(2)} s = ${q.toFixed(0)} merges/min (enqueueing took ${(enqueuedMs / 1000).toFixed(2)} s; ${batches} batches; a request's batch took median ${latencies[Math.floor(n / 2)]} ms, p90 ${latencies[Math.floor(n * 0.9)]} ms)`);
  console.log(`batches (size:time (start after the first send)): ${perBatch.join(' ')}`);
  console.log(`shell loop: ${n} merges in ${(shellMs / 1000).toFixed(2)} s = ${s.toFixed(0)} merges/min`);
  console.log(`ratio:      the queue runs at ${((q / s) * 100).toFixed(1)}% of the shell loop's rate (${(queueMs / shellMs).toFixed(1)}x its time); both ends have ${n} merges and the same tree`);
} finally {
  await workers.stop();
  await env.teardown();
}
