/**
 * What the epic's messages change, as pure functions: a human's retry, skip or cancel of an item, an item's
 * report and outcome, answers routed to their item, follow-ups of a validation round, and the plan's own checks.
 */
import { describeDagProblem, findDagProblems } from './dag';
import { ID_PATTERN } from './ids';
// The plan's checks must be the CLI's own (issue 11): zod is pure and deterministic, so the bundle may carry it.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { normalizePlan, PlanError } from './plan-schema';
import type { EpicPlan, WorkItem } from './plan';
import type { ValidationReport } from './reports';
import { isTerminal, type AnswerInput, type ItemOutcome, type ItemStatus } from './status';
import { isLive, pendingQuestions, type Statuses } from './epic-dispatch';

/** `{itemId}` of a human's signal, or undefined when the payload is not that shape. */
export function itemIdOf(msg: unknown): string | undefined {
  const id = (msg as { itemId?: unknown } | null | undefined)?.itemId;
  return typeof id === 'string' ? id : undefined;
}

/** Only a failed or cancelled item is retried. Not 'rejected': that is a live item between two attempts. */
export function canRetry(s: ItemStatus): boolean {
  return ['failed', 'cancelled'].includes(s.state);
}

/** A retried item waits to be started again (a new run of its child). */
export function retried(s: ItemStatus): ItemStatus {
  return { ...s, state: 'pending', detail: 'retry requested', pendingQuestion: undefined, finishedAt: undefined };
}

/** What stopping an item takes: cancel its live child; remove the worktree a failed item kept for a retry. */
export interface StopPlan {
  stopChild: boolean;
  removeWorktree: boolean;
}

/** Skipping: nothing to do for a merged or done item. */
export function skipPlan(s: ItemStatus): StopPlan | undefined {
  if (s.state === 'merged' || s.state === 'done') return undefined;
  return { stopChild: isLive(s), removeWorktree: s.state === 'failed' };
}

/** Cancelling: nothing to do for an item that is merged, done, skipped or cancelled already. */
export function cancelPlan(s: ItemStatus): StopPlan | undefined {
  if (['merged', 'done', 'skipped', 'cancelled'].includes(s.state)) return undefined;
  return { stopChild: isLive(s), removeWorktree: s.state === 'failed' };
}

export function skipped(s: ItemStatus, reason: string | undefined, now: number): ItemStatus {
  return { ...s, state: 'skipped', detail: reason ?? 'skipped by a human', pendingQuestion: undefined, finishedAt: now };
}

export function cancelled(s: ItemStatus, now: number): ItemStatus {
  return { ...s, state: 'cancelled', detail: 'cancelled by a human', pendingQuestion: undefined, finishedAt: now };
}

/** A skip's reason, when the payload has a non-blank one. */
export function skipReason(msg: unknown): string | undefined {
  const reason = (msg as { reason?: unknown } | null | undefined)?.reason;
  return typeof reason === 'string' && reason.trim() ? reason : undefined;
}

/** An item's report merged into what the epic knows. A field the item cleared is absent from the payload: clear it. */
export function withReport(prev: ItemStatus, reported: ItemStatus): ItemStatus {
  return { ...prev, ...reported, pendingQuestion: reported.pendingQuestion, detail: reported.detail, cleaningUp: reported.cleaningUp, history: prev.history };
}

/** The status after the child's outcome, or undefined when it changes nothing (already in that final state). */
export function withOutcome(s: ItemStatus, outcome: ItemOutcome, now: number): ItemStatus | undefined {
  if (isTerminal(s.state) && s.state === outcome.state) return s.cleaningUp ? { ...s, cleaningUp: undefined } : undefined; // its workflow closed: clean
  return { ...s, state: outcome.state, mergeCommit: outcome.mergeCommit ?? s.mergeCommit, attempts: outcome.attempts, costUsd: outcome.costUsd, detail: outcome.error ?? s.detail, finishedAt: s.finishedAt ?? now, ...(outcome.summary && { summary: outcome.summary }) };
}

/** The status after the child itself failed or was cancelled (not an item-level failure, which it returns). */
export function withChildError(s: ItemStatus, wasCancelled: boolean, detail: string, now: number): ItemStatus {
  return { ...s, state: wasCancelled ? 'cancelled' : 'failed', detail, finishedAt: now };
}

/** Items the target branch already has (an earlier run of the same epic id merged them). */
export function mergedEarlier(statuses: Statuses, merged: Record<string, string>): Statuses {
  const changes: Statuses = {};
  for (const [itemId, commit] of Object.entries(merged)) {
    const s = statuses[itemId];
    if (Object.hasOwn(statuses, itemId) && s.state === 'pending') changes[itemId] = { ...s, state: 'merged', mergeCommit: commit, detail: 'merged by an earlier run' };
  }
  return changes;
}

/** The item an open question belongs to. */
export function questionOwner(items: readonly WorkItem[], statuses: Statuses, questionId: string): string | undefined {
  return items.find((it) => statuses[it.id].pendingQuestion?.questionId === questionId)?.id;
}

/** Where an `answer` signal goes: the owner of the open question, else the item its id names (`<epic>/<item>/…`). */
export function answerRecipient(items: readonly WorkItem[], statuses: Statuses, epicId: string, questionId: string): string | undefined {
  return questionOwner(items, statuses, questionId) ?? items.find((it) => questionId.startsWith(`${epicId}/${it.id}/`))?.id;
}

/** Why the `answerQuestion` update is refused (the payload's shape is checked before), or undefined. */
export function answerRefusal(items: readonly WorkItem[], statuses: Statuses, epicId: string, a: AnswerInput): string | undefined {
  const owner = questionOwner(items, statuses, a.questionId);
  if (!owner) {
    const open = pendingQuestions(items, statuses).map((q) => q.questionId);
    return `no open question with id "${a.questionId}" in epic ${epicId}${open.length ? ` (open: ${open.join(', ')})` : ''}`;
  }
  const q = statuses[owner].pendingQuestion!;
  if (q.answer !== undefined) return `question ${a.questionId} was already answered by ${q.answeredBy ?? 'someone'}`;
  if (typeof a.answer !== 'string' || !a.answer.trim()) return 'the answer is empty';
  return undefined;
}

/**
 * The follow-up items of a validation round: the id the validator proposed when it is valid and free, else
 * `<epic>-v<round>-<k>` (suffixed with `-<k>` should that be taken too).
 */
export function followUpItems(followUps: ValidationReport['followUps'], epicId: string, round: number, isTaken: (id: string) => boolean): { item: WorkItem; status: ItemStatus }[] {
  const added: { item: WorkItem; status: ItemStatus }[] = [];
  const taken = (id: string) => isTaken(id) || added.some((a) => a.item.id === id);
  let k = 0;
  for (const f of followUps) {
    k++;
    const wanted = typeof f.id === 'string' && ID_PATTERN.test(f.id) && !taken(f.id) ? f.id : `${epicId}-v${round}-${k}`;
    const id = taken(wanted) ? `${wanted}-${k}` : wanted;
    const item: WorkItem = { id, title: f.title || `Follow-up ${k}`, description: f.description ?? '', acceptance: [], dependsOn: [], files: [] };
    added.push({ item, status: { itemId: id, title: item.title, state: 'pending', attempts: 0, costUsd: 0, detail: `follow-up of validation round ${round}` } });
  }
  return added;
}

/**
 * The checks of `overseer plan` (the same schema and messages: common/plan-schema.ts), for a plan that may come
 * straight from `temporal workflow start --input-file`, plus what a normalized plan must have (repo.path, or repo.url for a remote).
 */
export function planProblems(plan: EpicPlan): string[] {
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) return ['plan: must be an object (the output of `overseer plan <file> --json`)'];
  try {
    normalizePlan(plan, { file: 'plan', defaultRepoPath: '.', resolvePath: (p) => p });
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    return [...(plan.repo?.path || plan.repo?.url ? [] : [REPO_PATH_REQUIRED]), ...err.problems];
  }
  return basicPlanProblems(plan);
}

const REPO_PATH_REQUIRED = 'repo.path: is required (normalize the plan with `overseer plan <file> --json`)';

/** What a normalized plan needs beyond the schema (repo.path), and the item and DAG checks. */
function basicPlanProblems(plan: EpicPlan): string[] {
  const problems: string[] = [];
  if (typeof plan.epicId !== 'string' || !ID_PATTERN.test(plan.epicId)) problems.push('epicId: must match [A-Za-z0-9._-]+');
  if (!plan.repo?.path && !plan.repo?.url) problems.push(REPO_PATH_REQUIRED);
  if (!Array.isArray(plan.items) || plan.items.length === 0) problems.push('items: a plan needs at least one item');
  for (const [i, it] of (plan.items ?? []).entries()) {
    if (typeof it.id !== 'string' || !ID_PATTERN.test(it.id)) problems.push(`items[${i}].id: must match [A-Za-z0-9._-]+`);
    if (typeof it.title !== 'string' || !it.title.trim()) problems.push(`items[${i}] (item "${it.id}").title: must not be empty`);
  }
  if (!problems.length) problems.push(...findDagProblems(plan.items.map((it) => ({ id: it.id, dependsOn: it.dependsOn ?? [] }))).map(describeDagProblem));
  return problems;
}
