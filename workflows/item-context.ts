/**
 * The one context every phase of an item shares: the input, the status shown to humans, the activity proxies,
 * what the message handlers received, and `setState`/`note`. Phases are plain functions of it.
 */
import { CancellationScope, getExternalWorkflowHandle, log, patched, upsertSearchAttributes, workflowInfo, type WorkflowInfo } from '@temporalio/workflow';
import { itemUpdateSignal, type ItemBudget } from '../common/api';
import type { MergeResult } from '../common/merge';
import type { EpicSettings, WorkItem } from '../common/plan';
import { OverseerAwaitingHuman, OverseerState } from '../common/search-attributes';
import type { ItemState, ItemStatus, Question, SessionUsage } from '../common/status';
import { agentActivities, coreActivities, gateActivities, localCoreActivities } from './activity-options';
import { showItemDetails } from './ui';
import type { ItemHost, ItemOutcome, ItemOutcomeState, WorkItemInput } from './item-types';

const HISTORY_LIMIT = 40;

export interface ItemContext {
  input: WorkItemInput;
  item: WorkItem;
  epicId: string;
  settings: EpicSettings;
  repoPath: string;
  targetBranch: string;
  info: WorkflowInfo;
  core: ReturnType<typeof coreActivities>;
  gates: ReturnType<typeof gateActivities>;
  agent: ReturnType<typeof agentActivities>;
  status: ItemStatus;
  /** Set by prepare; empty until the worktree exists. */
  worktree: string;
  branch: string;
  attemptsThisRun: number;
  /** What the message handlers received. */
  questions: Question[];
  mergeResults: Map<string, MergeResult>;
  /** requestId → why the queue holds it (shown in the status). */
  mergeHolds: Map<string, string>;
  /** Who approved the merge of the code as it is now (cleared when a commit changes it). */
  approvedBy?: string;
  /** The item waits for `approve` (only then is one accepted). */
  awaitingApproval: boolean;
  keepWorktree: boolean;
  /** Cost already counted per agent session (a resumed session reports its running total). */
  sessionCosts: Map<string, number>;
  /** Tokens per agent session (the latest report of each: a resumed session reports its running total). */
  sessionUsage: Map<string, SessionUsage>;
  /** What the item may spend (from the epic, when the plan sets a budget), and the item's cost when it was told. */
  budget: ItemBudget;
  budgetBaseUsd: number;
  /** Counts the epic's budget messages (a session stopped at its budget waits for the next one: a raise). */
  budgetSeq: number;
  questionSeq: number;
  mergeSeq: number;
  /** The implementer's session and summary, carried when the item continues-as-new while its merge waits. */
  implSession: string;
  summary: string;
  /** The worker host holding the worktree, for a plan on a git remote (item-host.ts). */
  host?: ItemHost;
  /**
   * Runs since 'fewer-round-trips' (issue 15): reports to the epic go out in the background, in order, and a local
   * plan's git steps are local activities (no server round trip each). Runs recorded before keep the old way.
   */
  fewerRoundTrips: boolean;
  /** The report under way (background reports), and whether the status changed since it was taken. */
  reporting?: Promise<void>;
  reportWanted: boolean;
  /**
   * The epic asked for a report (`reportStatus`): a run of it that did not start this item, and so does not hear
   * how its workflow ends, follows it by its reports alone (item-cleanup.ts: the last one is then always sent).
   */
  followedByReports: boolean;
}

/** A new item's context (a run that continues an earlier one is then restored: item-continue-as-new.ts). */
export function createItemContext(input: WorkItemInput): ItemContext {
  const { item, settings } = input;
  const fewerRoundTrips = patched('fewer-round-trips');
  return {
    input,
    item,
    epicId: input.epicId,
    settings,
    repoPath: input.repo.path,
    targetBranch: input.repo.targetBranch,
    info: workflowInfo(),
    // Git steps of a local plan: every worker sees the repository, so the workflow's own worker may run them.
    core: fewerRoundTrips ? localCoreActivities() : coreActivities(settings),
    gates: gateActivities(settings),
    agent: agentActivities(settings),
    status: {
      itemId: item.id,
      title: item.title,
      state: 'pending',
      attempts: input.priorAttempts ?? 0,
      costUsd: input.priorCostUsd ?? 0,
      startedAt: Date.now(),
      transcripts: [],
      history: [],
    },
    worktree: '',
    branch: '',
    attemptsThisRun: 0,
    questions: [],
    mergeResults: new Map(),
    mergeHolds: new Map(),
    awaitingApproval: false,
    keepWorktree: false,
    sessionCosts: new Map(),
    sessionUsage: new Map(),
    budget: input.budget ?? {},
    budgetBaseUsd: input.priorCostUsd ?? 0,
    budgetSeq: 0,
    questionSeq: 0,
    mergeSeq: 0,
    implSession: '',
    summary: '',
    fewerRoundTrips,
    reportWanted: false,
    followedByReports: false,
  };
}

/** A line in the item's history (the status keeps the last few). */
export function note(ctx: ItemContext, text: string): void {
  ctx.status.history = [...(ctx.status.history ?? []), text].slice(-HISTORY_LIMIT);
}

/** The new state in the status and the search attributes; the epic hears of it when something changed. */
export async function setState(ctx: ItemContext, state: ItemState, detail?: string): Promise<void> {
  const { status } = ctx;
  const changed = state !== status.state;
  status.state = state;
  status.detail = detail;
  note(ctx, `${state}${detail ? `: ${detail}` : ''}`);
  upsertSearchAttributes([
    { key: OverseerState, value: state },
    { key: OverseerAwaitingHuman, value: awaitingHuman(ctx) },
  ]);
  if (changed || detail) await report(ctx);
}

/**
 * A state the item only passes through: in its status and history, but neither reported nor in the search
 * attributes, because the next thing the item does in the same workflow task sets and reports another (the merge
 * request follows an approval), or because the epic shows it already (the first step of an item it starts). Since
 * 'quiet-passing-states' (each report costs the item and the epic a workflow task); before, like setState.
 */
export async function passState(ctx: ItemContext, state: ItemState, detail: string): Promise<void> {
  if (!patched('quiet-passing-states')) return setState(ctx, state, detail);
  ctx.status.state = state;
  ctx.status.detail = detail;
  note(ctx, `${state}: ${detail}`);
}

function awaitingHuman(ctx: ItemContext): boolean {
  const { status, settings } = ctx;
  return Boolean(status.pendingQuestion) || (status.state === 'approved' && settings.approval === 'before-merge' && !ctx.approvedBy);
}

/** New code after an approval: the approval no longer covers it and is asked again before the merge. */
export function codeChanged(ctx: ItemContext, what: string): void {
  if (!ctx.approvedBy) return;
  note(ctx, `approval by ${ctx.approvedBy} cleared: ${what}`);
  ctx.approvedBy = undefined;
}

/**
 * Tells the epic the item's status. Since 'fewer-round-trips' the item does not wait for the signal: reports go
 * one at a time (so the epic hears them in order) and the one sent next carries the newest status; they are sent
 * even once the item is cancelled (its end must be heard). `flushReports` waits for them before the item closes.
 */
export async function report(ctx: ItemContext): Promise<void> {
  showItemDetails(ctx.status);
  if (!ctx.fewerRoundTrips) return sendReport(ctx);
  ctx.reportWanted = true;
  ctx.reporting ??= CancellationScope.nonCancellable(() => drainReports(ctx));
}

async function drainReports(ctx: ItemContext): Promise<void> {
  while (ctx.reportWanted) {
    ctx.reportWanted = false;
    await sendReport(ctx);
  }
  ctx.reporting = undefined;
}

/** Every report sent (before the item's workflow closes or continues-as-new). */
export async function flushReports(ctx: ItemContext): Promise<void> {
  while (ctx.reporting) await ctx.reporting;
}

async function sendReport(ctx: ItemContext): Promise<void> {
  try {
    await getExternalWorkflowHandle(ctx.input.epicWorkflowId).signal(itemUpdateSignal, {
      itemId: ctx.item.id,
      run: ctx.input.run,
      status: { ...ctx.status, history: undefined },
    });
  } catch (err) {
    // The epic may be gone (terminated) or this item may run on its own; nothing else depends on it.
    log.debug('could not report to the epic', { error: String(err) });
  }
}

/** What the workflow returns to the epic. */
export function outcome(ctx: ItemContext, state: ItemOutcomeState, error?: string): ItemOutcome {
  const { status } = ctx;
  return { itemId: ctx.item.id, state, mergeCommit: status.mergeCommit, attempts: status.attempts, costUsd: status.costUsd, error };
}
