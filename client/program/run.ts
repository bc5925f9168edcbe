/** `overseer run a.yaml b.yaml [--all] [--watch]`: several epics as one program. */
import { checkRepository } from '../preflight';
import { connect, webUiLink } from '../connection';
import { assembleProgram } from './assemble';
import { loadPrograms, type ProgramSourceOptions } from './load';
import { assertNoneRunning, newProgramId, startProgram } from './start';
import { formatProgram, watchProgram } from './status';

export async function runProgram(sources: string[], opts: ProgramSourceOptions & { watch?: boolean; program?: string }): Promise<void> {
  const loaded = await loadPrograms(sources, opts);
  if (!loaded.length) throw new Error('nothing to run: no epic found in the sources given');
  const programId = opts.program ?? newProgramId(loaded.map((l) => l.plan));
  const epics = assembleProgram(loaded, programId);
  for (const plan of epics) for (const n of await checkRepository(plan)) console.error(`note: ${plan.epicId}: ${n}`);
  const { client, connection, namespace } = await connect();
  try {
    await assertNoneRunning(client, loaded);
    const workflowId = await startProgram(client, programId, epics);
    console.log(`started program ${programId} (${workflowId}): ${epics.map((e) => `${e.epicId} (${e.items.length} items on ${e.repo.path})`).join(', ')}`);
    console.log(`Web UI: ${webUiLink(workflowId, namespace)}`);
    if (!opts.watch) return;
    const outcome = await watchProgram(client, programId, (l) => console.log(l));
    console.log(formatProgram(outcome.view));
    process.exitCode = outcome.exitCode;
  } finally {
    await connection.close();
  }
}
