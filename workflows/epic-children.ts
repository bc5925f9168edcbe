/** The items' child workflows: started with a fresh run number, stopped by a human, and what they report back. */
import {
  ChildWorkflowCancellationType,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  sleep,
  startChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { itemUpdateSignal, reportStatusSignal } from '../common/api';
import { setHandler } from './handlers';
import { withChildError, withOutcome, withReport } from '../common/epic-commands';
import { isLive } from '../common/epic-dispatch';
import { itemWorkflowId, TASK_QUEUE } from '../common/ids';
import { CLAIMING_DETAIL, PREPARING_DETAIL } from '../common/status';
import type { WorkItem } from '../common/plan';
import { OverseerAwaitingHuman, OverseerEpic, OverseerState } from '../common/search-attributes';
import { describe, itemUpdateProblem } from './messages';
import { budgetKey, itemBudgetFor } from './epic-budget';
import { itemWithHandoffs } from './epic-program';
import { workItemWorkflow, type WorkItemInput } from './work-item';
import { childHandle, known, type EpicContext } from './epic-context';

/** Items report every state change by signal to the epic's id; a report of an older run is ignored. */
export function registerItemReports(ctx: EpicContext): void {
  setHandler(itemUpdateSignal, (u) => {
    const problem = itemUpdateProblem(u);
    if (problem) return log.warn(`itemUpdate ignored: ${problem}`);
    if (!known(ctx, u.itemId) || u.run !== ctx.runs[u.itemId]) return; // an older run, superseded by a human decision
    ctx.statuses[u.itemId] = withReport(ctx.statuses[u.itemId], u.status);
    ctx.dirty = true;
  });
}

export async function startItem(ctx: EpicContext, it: WorkItem): Promise<void> {
  const { epicId, statuses, runs } = ctx;
  const run = (runs[it.id] ?? 0) + 1;
  runs[it.id] = run;
  const prev = statuses[it.id];
  const budget = itemBudgetFor(ctx, it.id);
  if (budget) ctx.budget.sent[it.id] = budgetKey(budget);
  // The item's first step, which it does not report itself (item-context.ts: passState).
  statuses[it.id] = { ...prev, state: 'running', detail: ctx.plan.repo.url ? CLAIMING_DETAIL : PREPARING_DETAIL, startedAt: Date.now() };
  const input: WorkItemInput = {
    epicId,
    epicWorkflowId: ctx.info.workflowId,
    run,
    item: itemWithHandoffs(ctx, it),
    repo: ctx.plan.repo,
    settings: ctx.settings,
    source: ctx.plan.source,
    priorAttempts: prev.attempts,
    priorCostUsd: prev.costUsd,
    ...(prev.usage && { priorUsage: prev.usage }),
    ...(budget && { budget }),
    ...(ctx.rolePromptCommit && { rolePromptCommit: ctx.rolePromptCommit }),
  };
  try {
    const handle = await startChild(workItemWorkflow, {
      workflowId: itemWorkflowId(epicId, it.id),
      taskQueue: TASK_QUEUE,
      args: [input],
      // Children outlive this run when the epic continues-as-new; they report by signal to the epic's id.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // Cancelling the epic must not cancel the children behind its back: it first tells them whether to keep
      // their worktrees (cancelOptions), then cancels each one itself.
      cancellationType: ChildWorkflowCancellationType.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      typedSearchAttributes: [
        { key: OverseerEpic, value: epicId },
        { key: OverseerState, value: 'running' },
        { key: OverseerAwaitingHuman, value: false },
      ],
      staticSummary: `${it.id}: ${it.title}`,
    });
    handle.result().then(
      (outcome) => {
        closed(ctx, it.id, run);
        if (run !== runs[it.id]) return;
        const next = withOutcome(statuses[it.id], outcome, Date.now());
        if (!next) return;
        statuses[it.id] = next;
        ctx.dirty = true;
      },
      (err) => {
        closed(ctx, it.id, run);
        if (run !== runs[it.id]) return;
        if (isCancellation(err) && ctx.phase === 'cancelled') return; // the child reports its own cancellation
        statuses[it.id] = withChildError(statuses[it.id], isCancellation(err), describe(err), Date.now());
        ctx.dirty = true;
      },
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError && run > 1) return waitForClose(ctx, it.id, prev);
    // Already running (a previous epic run started it and lost track): its signals keep us informed, to its end
    // once it is asked for them (item-cleanup.ts: since 'merged-end-unreported' it says it is clean only then).
    log.warn(`item ${it.id} could not be started: ${describe(err)}`);
    statuses[it.id] = { ...statuses[it.id], detail: `already running (${describe(err)})` };
    if (patched('merged-end-unreported')) await childHandle(ctx, it.id).signal(reportStatusSignal).catch(() => undefined);
  }
}

/**
 * A run after continue-as-new did not start the live children and holds no handle on their results: each is
 * asked to report again (so nothing said during the switch is lost), and one whose workflow has closed
 * without saying how it ended (terminated, timed out) is marked failed for a human.
 */
export async function reattachChildren(ctx: EpicContext): Promise<void> {
  const live = ctx.items.filter((it) => isLive(ctx.statuses[it.id]) || ctx.statuses[it.id].cleaningUp);
  await Promise.all(
    live.map(async (it) => {
      try {
        await childHandle(ctx, it.id).signal(reportStatusSignal);
      } catch (err) {
        const s = ctx.statuses[it.id];
        if (!isLive(s) && !s.cleaningUp) return; // it reported its end meanwhile
        ctx.dirty = true;
        if (s.state === 'merged') ctx.statuses[it.id] = { ...s, cleaningUp: undefined }; // it closed after its merge
        else ctx.statuses[it.id] = withChildError(ctx.statuses[it.id], false, `the item's workflow closed without reporting (${describe(err)})`, Date.now());
      }
    }),
  );
  // A stopped run that was still closing at the switch: its retry may start now (a start that collides waits).
  for (const id of Object.keys(ctx.closing)) delete ctx.closing[id];
}

/** A stopped run's workflow has closed: the item may start again (a retry waits for this). */
function closed(ctx: EpicContext, itemId: string, run: number): void {
  if (ctx.closing[itemId] !== run) return;
  delete ctx.closing[itemId];
  ctx.dirty = true;
}

/**
 * A retried item whose cancelled run has not closed yet (its workflow id is taken): it stays pending, with the
 * run it had, and is tried again a little later. Never `running` without a workflow.
 */
function waitForClose(ctx: EpicContext, itemId: string, prev: EpicContext['statuses'][string]): void {
  ctx.runs[itemId]--;
  ctx.statuses[itemId] = { ...prev, state: 'pending', detail: 'retry requested; waiting for the cancelled run to close' };
  ctx.closing[itemId] = -1;
  void sleep('2s').then(() => closed(ctx, itemId, -1));
}

/** Cancels an item's child; its later reports no longer count. */
export async function stopChild(ctx: EpicContext, itemId: string): Promise<void> {
  ctx.closing[itemId] = ctx.runs[itemId] ?? 0; // a retry waits until this run's workflow has closed
  ctx.runs[itemId] = (ctx.runs[itemId] ?? 0) + 1; // updates of the stopped run no longer count
  await childHandle(ctx, itemId).cancel().catch(() => undefined);
}
