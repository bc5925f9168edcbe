/**
 * Following a program: every epic and every item, with what each waiting item waits for. `--watch` ends when
 * every epic has ended (or only a human can move it on); exit 0 only if every item of every epic merged.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { epicStatusQuery } from '../../common/api';
import { epicWorkflowId } from '../../common/ids';
import { programStatusQuery, programWorkflowId, type ProgramStatus } from '../../common/program';
import type { EpicStatus } from '../../common/status';
import { formatItemLine, formatStatus } from '../format';

export interface ProgramView {
  program: ProgramStatus;
  epics: (EpicStatus | { epicId: string; phase: string; items: [] })[];
}

/** The program's epic ids, or undefined when no program has that id. */
export async function programEpics(client: Client, programId: string): Promise<string[] | undefined> {
  try {
    return (await client.workflow.getHandle(programWorkflowId(programId)).query(programStatusQuery)).epics.map((e) => e.epicId);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export async function programView(client: Client, programId: string): Promise<ProgramView> {
  const program = await client.workflow.getHandle(programWorkflowId(programId)).query(programStatusQuery);
  const epics = await Promise.all(
    program.epics.map(async (e) => {
      try {
        return await client.workflow.getHandle(epicWorkflowId(e.epicId)).query(epicStatusQuery);
      } catch {
        return { epicId: e.epicId, phase: e.phase ?? 'starting', items: [] as [] };
      }
    }),
  );
  return { program, epics };
}

export function formatProgram(v: ProgramView): string {
  const lines = [`program ${v.program.programId}: ${v.epics.length} epics`];
  for (const e of v.epics) lines.push('title' in e ? formatStatus(e) : `epic ${e.epicId}: ${e.phase}`);
  return lines.join('\n');
}

const ENDED = ['completed', 'failed', 'cancelled'];
const LIVE = ['running', 'gating', 'in_review', 'approved', 'merging', 'ready', 'awaiting_answer'];

/** Prints every item's changes until the run ends; exit code 0 only if every item of every epic merged (or was done). */
export async function watchProgram(client: Client, programId: string, print: (l: string) => void, intervalMs = 1000): Promise<{ view: ProgramView; exitCode: number }> {
  const seen = new Map<string, string>();
  for (;;) {
    const view = await programView(client, programId);
    for (const e of view.epics) {
      for (const it of e.items) {
        const key = `${it.state}|${it.detail ?? ''}`;
        if (seen.get(`${e.epicId}/${it.itemId}`) === key) continue;
        seen.set(`${e.epicId}/${it.itemId}`, key);
        print(`  ${e.epicId}/${formatItemLine(it)}`);
      }
    }
    const settled = (e: ProgramView['epics'][number]) =>
      ENDED.includes(e.phase) || (e.phase === 'awaiting_human' && !e.items.some((i) => LIVE.includes(i.state) || i.pendingQuestion));
    if (view.epics.every(settled)) {
      const allMerged = view.epics.every((e) => e.items.length > 0 && e.items.every((i) => i.state === 'merged' || i.state === 'done'));
      return { view, exitCode: allMerged ? 0 : 1 };
    }
    await sleep(intervalMs);
  }
}
