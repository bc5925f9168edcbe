/** `overseer plan a.yaml b.yaml` / `overseer plan --beads --all`: every epic of the run, and which edges cross epics. */
import { formatPlan } from '../format';
import { assembleProgram, crossEpicEdges } from './assemble';
import { loadPrograms, type ProgramSourceOptions } from './load';

export async function printProgramPlan(sources: string[], opts: ProgramSourceOptions & { json?: boolean }): Promise<void> {
  const epics = assembleProgram(await loadPrograms(sources, opts), '(not started)');
  if (opts.json) {
    console.log(JSON.stringify(epics, null, 2));
    return;
  }
  for (const plan of epics) console.log(`${formatPlan(plan)}\n`);
  const edges = crossEpicEdges(epics);
  console.log(edges.length ? `edges across epics (${edges.length}):\n${edges.map((e) => `  ${e}`).join('\n')}` : 'no edges across epics');
}
