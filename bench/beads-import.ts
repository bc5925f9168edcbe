/**
 * How long importing one epic of a large Beads export takes (issue 6: "under a second each"). Generates exports of
 * growing size (the same generator as test/unit/importer-beads.test.ts), imports every epic of each, and prints
 * per-epic figures and the ratio to the one-second budget.
 *
 *   npx tsx bench/beads-import.ts [--epics 60,300,1000] [--rounds 3]
 */
import { performance } from 'node:perf_hooks';
import { importBeads } from '../client/importers/beads';
import { knownRoles } from '../client/importers/roles';
import { generateBeadsExport } from '../test/helpers/beads-gen';
import { option } from './args';

const BUDGET_MS = 1000;


const sizes = option('epics', '60,300,1000').split(',').map(Number);
const rounds = Number(option('rounds', '3'));
const roles = knownRoles(process.cwd());

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

console.log(`budget: ${BUDGET_MS} ms per epic; ${rounds} round(s) per size`);
console.log('epics  issues  bytes      median ms  p95 ms   max ms   max/budget  items/epic');
for (const epics of sizes) {
  const gen = generateBeadsExport({ epics, seed: 7 });
  const times: number[] = [];
  let items = 0;
  for (let r = 0; r < rounds; r++) {
    for (const epic of gen.epics) {
      const t0 = performance.now();
      const plan = importBeads(gen.text, { file: 'bench.jsonl', epic: epic.id, repoPath: '/repo', writeBack: false, roles });
      times.push(performance.now() - t0);
      if (r === 0) items += plan.items.length;
    }
  }
  const max = Math.max(...times);
  console.log(
    [
      String(epics).padEnd(6),
      String(gen.issueCount).padEnd(7),
      String(gen.text.length).padEnd(10),
      quantile(times, 0.5).toFixed(2).padEnd(10),
      quantile(times, 0.95).toFixed(2).padEnd(8),
      max.toFixed(2).padEnd(8),
      (max / BUDGET_MS).toFixed(4).padEnd(11),
      (items / gen.epics.length).toFixed(1),
    ].join(' '),
  );
}
