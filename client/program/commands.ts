/** `overseer pause|resume|cancel <programId>`: the same command on every epic of the program. */
import type { Client } from '@temporalio/client';
import { pauseSignal, resumeSignal } from '../../common/api';
import { epicWorkflowId } from '../../common/ids';
import { programWorkflowId } from '../../common/program';
import { cancelEpic } from '../cancel';
import { connect } from '../connection';
import { formatProgram, programEpics, programView, watchProgram } from './status';

export type ProgramCommand = 'pause' | 'resume' | 'cancel';

/** Runs the command on every epic when `id` names a program; false (nothing done) when it does not. */
export async function forProgram(id: string, command: ProgramCommand, opts: { keepWorktrees?: boolean } = {}): Promise<boolean> {
  const { client, connection } = await connect();
  try {
    const epics = await programEpics(client, id);
    if (!epics) return false;
    for (const epicId of epics) await onEpic(client, epicId, command, opts);
    if (command === 'cancel') await client.workflow.getHandle(programWorkflowId(id)).cancel().catch(() => undefined);
    console.log(`program ${id}: ${command === 'cancel' ? 'cancelled' : `${command}d`} ${epics.join(', ')}`);
    return true;
  } finally {
    await connection.close();
  }
}

async function onEpic(client: Client, epicId: string, command: ProgramCommand, opts: { keepWorktrees?: boolean }): Promise<void> {
  const handle = client.workflow.getHandle(epicWorkflowId(epicId));
  try {
    if (command === 'pause') await handle.signal(pauseSignal);
    else if (command === 'resume') await handle.signal(resumeSignal);
    else await cancelEpic(client, epicId, { keepWorktrees: Boolean(opts.keepWorktrees) });
  } catch (err) {
    console.error(`epic ${epicId}: ${(err as Error).message}`); // an epic that already ended
  }
}

/** `overseer status <programId> [--watch] [--json]`; false when `id` names no program. */
/** Prints the program's status (or follows it with --watch); false when no program has this id. */
export async function showProgram(client: Client, id: string, opts: { json?: boolean; watch?: boolean }, epics?: string[]): Promise<boolean> {
  if (!(epics ?? (await programEpics(client, id)))) return false;
  if (opts.watch) {
    const outcome = await watchProgram(client, id, (l) => console.log(l));
    console.log(formatProgram(outcome.view));
    process.exitCode = outcome.exitCode;
    return true;
  }
  const view = await programView(client, id);
  console.log(opts.json ? JSON.stringify(view, null, 2) : formatProgram(view));
  return true;
}
