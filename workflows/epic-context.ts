/**
 * The state every piece of the epic shares: the plan, its items and their statuses, the runs of their child
 * workflows, the phase, and `dirty` (set by every change the dispatch loop must look at).
 */
import { ApplicationFailure, getExternalWorkflowHandle, upsertSearchAttributes, workflowInfo, type WorkflowInfo } from '@temporalio/workflow';
import { budgetHolds, createEpicBudget, type EpicBudgetState } from '../common/budget';
import { criticalPathLengths } from '../common/dag';
import { planProblems } from '../common/epic-commands';
import { initialStatus, needsHuman, normalizeItems, totalCost, type Statuses } from '../common/epic-dispatch';
import { isTerminal } from '../common/status';
import { itemWorkflowId } from '../common/ids';
import { withDefaultSettings, type EpicPlan, type EpicSettings, type WorkItem } from '../common/plan';
import { OverseerAwaitingHuman, OverseerEpic, OverseerState } from '../common/search-attributes';
import type { EpicPhase, ItemStatus } from '../common/status';
import { coreActivities } from './activity-options';

/** State carried across continue-as-new. */
export interface EpicCarry {
  statuses: Record<string, ItemStatus>;
  runs: Record<string, number>;
  paused: boolean;
  startedAt: number;
  validationRounds: number;
  /** Items the validation added (follow-ups), with their place in the DAG. */
  followUps?: WorkItem[];
  /** The budget with its raises (only when the plan sets one). */
  budget?: EpicBudgetState;
  /** Items whose stopped run may not have closed yet. */
  closing?: Record<string, number>;
  /** The target's commit at the epic's start: the council reads its instructions from it. */
  rolePromptCommit?: string;
}

export interface EpicContext {
  /** The plan as given (continue-as-new passes it on unchanged). */
  planInput: EpicPlan;
  plan: EpicPlan;
  settings: EpicSettings;
  epicId: string;
  info: WorkflowInfo;
  core: ReturnType<typeof coreActivities>;
  /** The plan's items and the follow-ups validation added. */
  items: WorkItem[];
  followUps: WorkItem[];
  /** Critical path length per item (dispatch order). */
  critical: Map<string, number>;
  statuses: Statuses;
  /** Run counter per item: reports and outcomes of an older run (superseded by a human) are ignored. */
  runs: Record<string, number>;
  /** itemId → the run that was stopped (cancel, skip) and may still be closing; a retry starts after it closed. */
  closing: Record<string, number>;
  startedAt: number;
  paused: boolean;
  phase: EpicPhase;
  validationRounds: number;
  keepWorktrees: boolean;
  /** Something changed that the dispatch loop must look at. */
  dirty: boolean;
  /** What the search attributes show now (updated only when it changes). */
  shown: { phase?: EpicPhase; human: string };
  budget: EpicBudgetState;
  rolePromptCommit?: string;
}

export function createEpicContext(planInput: EpicPlan, carry?: EpicCarry): EpicContext {
  // Checked as given (the same rules and messages as `overseer plan`), before defaults fill anything in.
  const problems = planProblems(planInput);
  if (problems.length) throw ApplicationFailure.nonRetryable(`invalid plan: ${problems.join('; ')}`, 'InvalidPlan');
  const plan: EpicPlan = { ...planInput, settings: withDefaultSettings(planInput.settings) };
  const items = normalizeItems([...plan.items, ...(carry?.followUps ?? [])]);
  const statuses: Statuses = carry?.statuses ?? {};
  for (const it of items) statuses[it.id] ??= initialStatus(it);
  const paused = carry?.paused ?? false;
  return {
    planInput,
    plan,
    settings: plan.settings,
    epicId: plan.epicId,
    info: workflowInfo(),
    core: coreActivities(plan.settings, '5m'),
    items,
    followUps: [...(carry?.followUps ?? [])],
    critical: criticalPathLengths(items),
    statuses,
    runs: carry?.runs ?? {},
    closing: carry?.closing ?? {},
    startedAt: carry?.startedAt ?? Date.now(),
    paused,
    phase: paused ? 'paused' : 'running',
    validationRounds: carry?.validationRounds ?? 0,
    keepWorktrees: false,
    dirty: true,
    shown: { human: '' },
    budget: createEpicBudget(plan.settings.budget, carry?.budget),
    rolePromptCommit: carry?.rolePromptCommit,
  };
}

/** Whether the id names one of the epic's items (a hand-typed signal may name anything). */
export function known(ctx: EpicContext, id: string | undefined): id is string {
  return typeof id === 'string' && Object.hasOwn(ctx.statuses, id);
}

export function childHandle(ctx: EpicContext, itemId: string) {
  return getExternalWorkflowHandle(itemWorkflowId(ctx.epicId, itemId));
}

export function updateSearchAttributes(ctx: EpicContext): void {
  upsertSearchAttributes([
    { key: OverseerEpic, value: ctx.epicId },
    { key: OverseerState, value: ctx.phase },
    { key: OverseerAwaitingHuman, value: needsHuman(ctx.items, ctx.statuses, ctx.settings.approval) || budgetHold(ctx) },
  ]);
}

/** The budget holds the epic (its own is spent with work left, or an item waits for a raise). */
export function budgetHold(ctx: EpicContext): boolean {
  const unfinished = ctx.items.map((it) => ctx.statuses[it.id]).filter((s) => !isTerminal(s.state));
  return budgetHolds(ctx.budget, totalCost(ctx.items, ctx.statuses), unfinished);
}
