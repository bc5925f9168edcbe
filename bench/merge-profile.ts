/**
 * Where a merge's time goes (issue 15): the `mergeStack` activity called directly (no Temporal) on N branches with
 * the target checked out and clean, as one stack and one request at a time; every git command timed by subcommand.
 * Each twice in one run: git started through the launcher processes (activities/git-launcher.ts) and by node itself.
 *
 *   npx tsx bench/merge-profile.ts [--n 8]
 */
import { numberOption } from './args';

process.env.OVERSEER_GIT_TIMING = '1';
const { mergeStack } = await import('../activities/merge');
const { gitTimings } = await import('../activities/git-repo');
const { useGitLauncher } = await import('../activities/git-launcher');
const { makeRepo, merges } = await import('../test/helpers/repo');
const { makeBranch, mergeRequest } = await import('../test/helpers/merge-queue');

const n = numberOption('n', 8);

async function run(label: string, batch: number, count = n): Promise<number> {
  const repo = makeRepo(`profile-${batch}`);
  const reqs = Array.from({ length: count }, (_, k) => {
    makeBranch(repo, `feature/p${k}`, { [`p${k}.txt`]: `${k}\n` });
    return mergeRequest(repo, `p-${k}`, `p${k}`, `feature/p${k}`);
  });
  gitTimings.clear();
  const t0 = performance.now();
  for (let k = 0; k < count; k += batch) await mergeStack({ requests: reqs.slice(k, k + batch) });
  const ms = performance.now() - t0;
  if (merges(repo).length !== count) throw new Error('not every branch merged');
  const rows = [...gitTimings.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const processes = rows.reduce((s, [, t]) => s + t.count, 0);
  console.log(`${label}: ${count} merges in ${ms.toFixed(0)} ms (${(ms / count).toFixed(1)} ms per merge), ${processes} git processes (${(processes / count).toFixed(1)} per merge)`);
  for (const [cmd, t] of rows.slice(0, 6)) console.log(`  ${cmd.padEnd(14)} ${String(t.count).padStart(4)} × ${(t.ms / t.count).toFixed(1).padStart(6)} ms = ${t.ms.toFixed(0).padStart(5)} ms`);
  return ms;
}

await run('warm-up (modules loaded, git version asked, launchers started)', 2, 4);
const times: Record<string, number[]> = {};
for (const launcher of [true, false]) {
  useGitLauncher(launcher);
  const how = launcher ? 'git through launchers' : 'git started by node';
  times[how] = [await run(`${how}, one stack`, n), await run(`${how}, one at a time`, 1)];
}
const [a, b] = Object.values(times);
console.log(`launchers against node: one stack ${(b[0] / a[0]).toFixed(2)}x faster, one at a time ${(b[1] / a[1]).toFixed(2)}x faster`);
