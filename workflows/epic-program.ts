/**
 * The epic's side of a program (several epics in one run): items wait for other epics' items, the program tells
 * the epic when those merge (`externalDependencyMerged`), and the epic tells the program when its own merge
 * (`epicItemMerged`); an epic that ends without completing makes what waits for it blocked (`externalEpicEnded`).
 * Nothing here sends or waits for anything unless the plan has `program` set, so a single
 * epic's history is exactly what it was.
 */
import { getExternalWorkflowHandle, log, setHandler } from '@temporalio/workflow';
import { crossEpicWaitChanges, crossEpicWaits, crossKey, epicItemMergedSignal, externalDependencyMergedSignal, externalEpicEndedSignal, handoffLines, programWorkflowId, withHandoffs, type CrossEpicMerge } from '../common/program';
import type { WorkItem } from '../common/plan';
import { isSatisfying } from '../common/status';
import { describe } from './messages';
import type { EpicContext } from './epic-context';

function isMerge(m: unknown): m is CrossEpicMerge {
  return typeof m === 'object' && m !== null && typeof (m as CrossEpicMerge).epicId === 'string' && typeof (m as CrossEpicMerge).itemId === 'string';
}

export function registerProgramHandlers(ctx: EpicContext): void {
  setHandler(externalDependencyMergedSignal, (m) => {
    if (!isMerge(m)) return; // a hand-typed signal of the wrong shape
    ctx.program.received[crossKey(m.epicId, m.itemId)] = { epicId: m.epicId, itemId: m.itemId, mergeCommit: m.mergeCommit, summary: m.summary };
    ctx.dirty = true;
  });
  setHandler(externalEpicEndedSignal, (e) => {
    if (typeof e?.epicId !== 'string' || typeof e.phase !== 'string') return;
    ctx.program.ended = { ...ctx.program.ended, [e.epicId]: e.phase };
    ctx.dirty = true;
  });
}

/** Items whose cross-epic dependencies have all merged (the others wait, and say for what). */
export function crossEpicReady(ctx: EpicContext, items: WorkItem[]): WorkItem[] {
  if (!ctx.plan.program) return items;
  Object.assign(ctx.statuses, crossEpicWaitChanges(ctx.items, ctx.statuses, ctx.program.received));
  return items.filter((it) => crossEpicWaits(it, ctx.program.received).length === 0);
}

/** The item given to its child: its dependencies' summaries and merge commits added to its context. */
export function itemWithHandoffs(ctx: EpicContext, it: WorkItem): WorkItem {
  return withHandoffs(it, handoffLines(it, ctx.epicId, ctx.statuses, ctx.program.received));
}

/** Tells the program of every item that merged (or is done) since the last report. */
export async function reportMerges(ctx: EpicContext): Promise<void> {
  const program = ctx.plan.program;
  if (!program) return;
  for (const it of ctx.items) {
    const s = ctx.statuses[it.id];
    if (!isSatisfying(s.state) || ctx.program.reported.includes(it.id)) continue;
    ctx.program.reported.push(it.id);
    try {
      await getExternalWorkflowHandle(programWorkflowId(program.programId)).signal(epicItemMergedSignal, {
        epicId: ctx.epicId,
        itemId: it.id,
        ...(s.mergeCommit && { mergeCommit: s.mergeCommit }),
        ...(s.summary && { summary: s.summary }),
      });
    } catch (err) {
      log.warn(`could not tell program ${program.programId} that ${it.id} merged: ${describe(err)}`);
    }
  }
}
