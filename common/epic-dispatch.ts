/**
 * The epic's dispatch decisions (DESIGN §2), as pure functions of the items and their statuses: which items are
 * blocked, which start now and in what order, when the epic waits for a human and when it is done.
 * The epic workflow applies them; the unit tests check them without a Temporal server.
 */
import { readyItems } from './dag';
import type { EpicSettings, WorkItem } from './plan';
import { isSatisfying, isTerminal, type EpicPhase, type EpicResult, type ItemStatus, type Question } from './status';

export type Statuses = Record<string, ItemStatus>;

/** The plan's items with every optional field filled in. */
export function normalizeItems(items: readonly WorkItem[]): WorkItem[] {
  return items.map((it) => ({ ...it, acceptance: it.acceptance ?? [], dependsOn: it.dependsOn ?? [], files: it.files ?? [], description: it.description ?? '' }));
}

/** A fresh status for every item that has none yet (complete in the plan's source: `done`). */
export function initialStatus(it: WorkItem): ItemStatus {
  return { itemId: it.id, title: it.title, state: it.done ? 'done' : 'pending', attempts: 0, costUsd: 0 };
}

/** Started and not yet finished: its child workflow is (or should be) running. */
export function isLive(s: ItemStatus): boolean {
  return !isTerminal(s.state) && s.state !== 'pending';
}

export function liveCount(items: readonly WorkItem[], statuses: Statuses): number {
  return items.filter((it) => isLive(statuses[it.id])).length;
}

/**
 * Dependents of failed or cancelled items are blocked; they unblock when the cause is retried or skipped.
 * `held` names, per item, what else holds it back for good (another epic's items that can never merge).
 * Returns the statuses that change (to a fixed point: blocking passes down chains).
 */
export function blockingChanges(items: readonly WorkItem[], statuses: Statuses, held: Readonly<Record<string, string[]>> = {}): Statuses {
  const next: Statuses = { ...statuses };
  const changes: Statuses = {};
  for (let changed = true; changed; ) {
    changed = false;
    for (const it of items) {
      const s = next[it.id];
      const holdingBack = [...it.dependsOn.filter((d) => Object.hasOwn(next, d) && ['failed', 'cancelled', 'blocked'].includes(next[d].state)), ...(held[it.id] ?? [])];
      if (s.state === 'pending' && holdingBack.length) {
        next[it.id] = changes[it.id] = { ...s, state: 'blocked', detail: `blocked by ${holdingBack.join(', ')}` };
        changed = true;
      } else if (s.state === 'blocked' && !holdingBack.length) {
        next[it.id] = changes[it.id] = { ...s, state: 'pending', detail: undefined };
        changed = true;
      }
    }
  }
  return changes;
}

/** Pending items whose dependencies are satisfied, in the order they start: priority, critical path, id. */
export function itemsToStart(items: readonly WorkItem[], critical: Map<string, number>, statuses: Statuses, phaseBarriers: boolean): WorkItem[] {
  return readyItems(items, critical, (id) => statuses[id].state === 'pending', (id) => isSatisfying(statuses[id].state), phaseBarriers);
}

export interface Progress {
  /** Every item is finished (terminal). */
  allTerminal: boolean;
  failed: string[];
  /** Nothing is left to run and nothing failed: the epic's items are done. */
  done: boolean;
}

export function progress(items: readonly WorkItem[], statuses: Statuses): Progress {
  // A merged item still cleaning up is not finished yet: the epic ends once its worktree is gone.
  const allTerminal = items.every((it) => isTerminal(statuses[it.id].state) && !statuses[it.id].cleaningUp);
  const failed = items.filter((it) => statuses[it.id].state === 'failed').map((it) => it.id);
  return { allTerminal, failed, done: allTerminal && failed.length === 0 };
}

/** The phase while the epic waits: a human is needed when only failed items are left, or every item is finished. */
export function waitingPhase(paused: boolean, p: Progress, running: number): EpicPhase {
  if (paused) return 'paused';
  return p.allTerminal || (running === 0 && p.failed.length > 0) ? 'awaiting_human' : 'running';
}

/**
 * How a finished epic ends: failed only when an item failed, or work is left undone behind one (blocked).
 * Items a human cancelled or skipped are a human's decision, not a failure.
 */
export function finalPhase(items: readonly WorkItem[], statuses: Statuses): 'completed' | 'failed' {
  return items.some((it) => ['failed', 'blocked'].includes(statuses[it.id].state)) ? 'failed' : 'completed';
}

/** Every item merged, done or skipped. */
export function allGood(items: readonly WorkItem[], statuses: Statuses): boolean {
  return items.every((it) => ['merged', 'done', 'skipped'].includes(statuses[it.id].state));
}

export function pendingQuestions(items: readonly WorkItem[], statuses: Statuses): Question[] {
  return items.map((it) => statuses[it.id].pendingQuestion).filter((q): q is Question => Boolean(q && q.answer === undefined));
}

/** Items held for a human's merge approval (`approval: before-merge`). */
export function awaitingApproval(items: readonly WorkItem[], statuses: Statuses, approval: EpicSettings['approval']): WorkItem[] {
  return approval === 'before-merge' ? items.filter((it) => statuses[it.id].state === 'approved') : [];
}

/** Whether anything waits for a human: a question, a failed item, a merge to approve. */
export function needsHuman(items: readonly WorkItem[], statuses: Statuses, approval: EpicSettings['approval']): boolean {
  return pendingQuestions(items, statuses).length > 0 || items.some((it) => statuses[it.id].state === 'failed') || awaitingApproval(items, statuses, approval).length > 0;
}

/** What humans are asked for, as one key: the search attributes are updated only when it (or the phase) changes. */
export function humanAttentionKey(items: readonly WorkItem[], statuses: Statuses, approval: EpicSettings['approval']): string {
  const failed = items.filter((it) => statuses[it.id].state === 'failed').map((it) => it.id);
  return [
    ...pendingQuestions(items, statuses).map((q) => q.questionId),
    ...failed,
    ...awaitingApproval(items, statuses, approval).map((it) => `approve:${it.id}`),
  ].join(',');
}

export function isTerminalPhase(p: EpicPhase): boolean {
  return p === 'completed' || p === 'failed' || p === 'cancelled';
}

export function totalCost(items: readonly WorkItem[], statuses: Statuses): number {
  return Math.round(items.reduce((sum, it) => sum + (statuses[it.id].costUsd ?? 0), 0) * 1e6) / 1e6;
}

export function epicResult(epicId: string, phase: EpicPhase, items: readonly WorkItem[], statuses: Statuses, startedAt: number, now: number): EpicResult {
  return {
    epicId,
    phase,
    items: items.map((it) => {
      const s = statuses[it.id];
      return {
        itemId: it.id,
        state: s.state,
        mergeCommit: s.mergeCommit,
        attempts: s.attempts,
        costUsd: s.costUsd,
        durationMs: s.startedAt && s.finishedAt ? s.finishedAt - s.startedAt : undefined,
      };
    }),
    costUsd: totalCost(items, statuses),
    durationMs: now - startedAt,
  };
}
