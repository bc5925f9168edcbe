/**
 * The 300-item epic at Temporal's real thresholds, with the instant simulated agent:
 *
 *   npx tsx bench/large-epic.ts [--n 300]
 *
 * Prints the wall time, how many runs each workflow took (continue-as-new), and the largest history; fails if
 * any run went over 10,000 events or an item did not merge exactly once.
 */
import { startTestEnv, startWorkers } from '../test/helpers/temporal';
import { runLargeEpic } from '../test/helpers/large-epic';
import { numberOption } from './args';

const n = numberOption('n', 300);
const env = await startTestEnv();
const workers = await startWorkers(env, { maxSessions: 8 });
try {
  const r = await runLargeEpic(env, n, 'bench-large');
  console.log(`${n}-item epic: ${r.seconds.toFixed(1)} s wall, ${(r.seconds / n).toFixed(2)} s per item`);
  console.log(`  merged ${r.merged}/${n}, ${r.mergeCommits} merge commits on main`);
  console.log(`  ${r.runs} workflow runs; epic runs ${r.epicRuns}, merge-queue runs ${r.queueRuns}`);
  console.log(`  largest history ${r.largestHistory} events (${Object.entries(r.largestByType).map(([t, v]) => `${t} ${v}`).join(', ')})`);
  if (r.merged !== n || r.mergeCommits !== n || r.largestHistory > 10_000) process.exitCode = 1;
} finally {
  await workers.stop();
  await env.teardown();
}
