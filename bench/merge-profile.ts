/**
 * Where a merge's time goes (issue 15): the `mergeStack` activity called directly (no Temporal) on N branches with
 * the target checked out and clean, as one stack and one request at a time; every git command timed by subcommand.
 *
 *   npx tsx bench/merge-profile.ts [--n 8]
 */
import { numberOption } from './args';

process.env.OVERSEER_GIT_TIMING = '1';
const { mergeStack } = await import('../activities/merge');
const { gitTimings } = await import('../activities/git-repo');
const { makeRepo, merges } = await import('../test/helpers/repo');
const { makeBranch, mergeRequest } = await import('../test/helpers/merge-queue');

const n = numberOption('n', 8);

async function run(label: string, batch: number) {
  const repo = makeRepo(`profile-${batch}`);
  const reqs = Array.from({ length: n }, (_, k) => {
    makeBranch(repo, `feature/p${k}`, { [`p${k}.txt`]: `${k}\n` });
    return mergeRequest(repo, `p-${k}`, `p${k}`, `feature/p${k}`);
  });
  gitTimings.clear();
  const t0 = performance.now();
  for (let k = 0; k < n; k += batch) await mergeStack({ requests: reqs.slice(k, k + batch) });
  const ms = performance.now() - t0;
  if (merges(repo).length !== n) throw new Error('not every branch merged');
  const rows = [...gitTimings.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const processes = rows.reduce((s, [, t]) => s + t.count, 0);
  console.log(`${label}: ${n} merges in ${ms.toFixed(0)} ms (${(ms / n).toFixed(1)} ms per merge), ${processes} git processes (${(processes / n).toFixed(1)} per merge)`);
  for (const [cmd, t] of rows) console.log(`  ${cmd.padEnd(14)} ${String(t.count).padStart(4)} × ${(t.ms / t.count).toFixed(1).padStart(6)} ms = ${t.ms.toFixed(0).padStart(5)} ms`);
}

await run('one stack', n);
await run('one at a time', 1);
