/**
 * Programs: several epics in one run (`overseer run a.yaml b.yaml`). Each epic stays its own `epicWorkflow`; the
 * `programWorkflow` (id `program/<programId>`) starts them and routes cross-epic dependency satisfaction. Pure and
 * sandbox-safe: the message definitions, ids, and the decisions about waits and hand-offs.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { EpicPlan, WorkItem } from './plan';
import type { EpicPhase, ItemStatus } from './status';

export function programWorkflowId(programId: string): string {
  return `program/${programId}`;
}

/** A merged (or otherwise satisfied) item, as the program routes it: `<epicId>/<itemId>` with its hand-off. */
export interface CrossEpicMerge {
  epicId: string;
  itemId: string;
  mergeCommit?: string;
  summary?: string;
}

/** The epic's cross-epic state (carried across continue-as-new). */
export interface EpicProgramState {
  /** Merged items of other epics, keyed `<epicId>/<itemId>`. */
  received: Record<string, CrossEpicMerge>;
  /** Our items the program was told of. */
  reported: string[];
  /** Epics of the program that ended without completing (their phase), keyed by epic id. */
  ended?: Record<string, string>;
}

/** Program → epic: an epic that some of my items wait for ended without completing; what it left will never merge. */
export interface EpicEnded {
  epicId: string;
  phase: string;
}

export interface ProgramInput {
  programId: string;
  /** Every epic of the run, cross-epic dependencies resolved (`<epicId>/<itemId>`, whole epics expanded). */
  epics: EpicPlan[];
}

export interface ProgramStatus {
  programId: string;
  epics: { epicId: string; workflowId: string; phase?: EpicPhase | 'starting' }[];
  /** What has merged that another epic waits for, keyed `<epicId>/<itemId>`. */
  merged: Record<string, CrossEpicMerge>;
}

/** Epic → program: one of my items merged (sent only when the epic runs in a program). */
export const epicItemMergedSignal = defineSignal<[CrossEpicMerge]>('epicItemMerged');
/** Program → epic: an item of another epic that some of my items wait for has merged. */
export const externalDependencyMergedSignal = defineSignal<[CrossEpicMerge]>('externalDependencyMerged');
/** Program → epic: an epic some of my items wait for ended without completing (failed, cancelled, lost). */
export const externalEpicEndedSignal = defineSignal<[EpicEnded]>('externalEpicEnded');
export const programStatusQuery = defineQuery<ProgramStatus>('programStatus');

export function crossKey(epicId: string, itemId: string): string {
  return `${epicId}/${itemId}`;
}

/** The cross-epic dependencies of an item that have not merged yet. */
export function crossEpicWaits(it: WorkItem, received: Readonly<Record<string, CrossEpicMerge>>): string[] {
  return (it.crossEpicDependsOn ?? []).filter((d) => !Object.hasOwn(received, d));
}

/**
 * Items held back for good by the program: each one's cross-epic dependencies that can never merge now, because
 * their epic ended without them (for `blockingChanges`; shown as `<epicId>/<itemId> (epic <epicId> cancelled)`).
 */
export function crossEpicHolds(items: readonly WorkItem[], state: Readonly<EpicProgramState>): Record<string, string[]> {
  const holds: Record<string, string[]> = {};
  const ended = state.ended ?? {};
  for (const it of items) {
    const never = crossEpicWaits(it, state.received).filter((d) => Object.hasOwn(ended, d.split('/')[0]));
    if (never.length) holds[it.id] = never.map((d) => `${d} (epic ${d.split('/')[0]} ${ended[d.split('/')[0]]})`);
  }
  return holds;
}

/** Epics that wait for anything of `epicId` (the program tells them when it ends without completing). */
export function epicsWaitingOn(epics: readonly EpicPlan[], epicId: string): string[] {
  return epics.filter((e) => e.items.some((it) => it.crossEpicDependsOn?.some((d) => d.startsWith(`${epicId}/`)))).map((e) => e.epicId);
}

/** Which epics wait for `<epicId>/<itemId>` (the program signals each of them when it merges). */
export function dependentEpics(epics: readonly EpicPlan[], key: string): string[] {
  return epics.filter((e) => e.items.some((it) => it.crossEpicDependsOn?.includes(key))).map((e) => e.epicId);
}

/** Pending items held by other epics show what they wait for; returns the statuses that change. */
export function crossEpicWaitChanges(items: readonly WorkItem[], statuses: Record<string, ItemStatus>, received: Readonly<Record<string, CrossEpicMerge>>): Record<string, ItemStatus> {
  const changes: Record<string, ItemStatus> = {};
  for (const it of items) {
    if (!it.crossEpicDependsOn?.length || statuses[it.id].state !== 'pending') continue;
    const waits = crossEpicWaits(it, received);
    const detail = waits.length ? `waits for ${waits.join(', ')}` : undefined;
    if (statuses[it.id].detail !== detail && (waits.length || statuses[it.id].detail?.startsWith('waits for '))) changes[it.id] = { ...statuses[it.id], detail };
  }
  return changes;
}

/** One line per dependency that merged with a summary: what the item's session is told about the work it builds on. */
export function handoffLines(it: WorkItem, epicId: string, statuses: Record<string, ItemStatus>, received: Readonly<Record<string, CrossEpicMerge>>): string[] {
  const lines: string[] = [];
  for (const d of it.dependsOn) {
    const s = statuses[d];
    if (s?.state === 'merged' && (s.summary || s.mergeCommit)) lines.push(handoffLine(crossKey(epicId, d), s.mergeCommit, s.summary));
  }
  for (const d of it.crossEpicDependsOn ?? []) {
    const m = received[d];
    if (m) lines.push(handoffLine(d, m.mergeCommit, m.summary));
  }
  return lines;
}

function handoffLine(key: string, mergeCommit: string | undefined, summary: string | undefined): string {
  return `Hand-off from ${key}${mergeCommit ? ` (merge commit ${mergeCommit.slice(0, 12)})` : ''}: ${summary ?? '(no summary given)'}`;
}

/** The item as its child workflow gets it: the hand-offs of its dependencies added to its context. */
export function withHandoffs(it: WorkItem, lines: string[]): WorkItem {
  return lines.length ? { ...it, context: [...(it.context ?? []), ...lines] } : it;
}
