/** The items' child workflows: started with a fresh run number, stopped by a human, and what they report back. */
import {
  ChildWorkflowCancellationType,
  isCancellation,
  log,
  ParentClosePolicy,
  startChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { setHandler } from './handlers';
import { itemUpdateSignal } from '../common/api';
import { withChildError, withOutcome, withReport } from '../common/epic-commands';
import { itemWorkflowId, TASK_QUEUE } from '../common/ids';
import type { WorkItem } from '../common/plan';
import { OverseerAwaitingHuman, OverseerEpic, OverseerState } from '../common/search-attributes';
import { describe } from './messages';
import { budgetKey, itemBudgetFor } from './epic-budget';
import { workItemWorkflow, type WorkItemInput } from './work-item';
import { childHandle, known, type EpicContext } from './epic-context';

/** Items report every state change by signal to the epic's id; a report of an older run is ignored. */
export function registerItemReports(ctx: EpicContext): void {
  setHandler(itemUpdateSignal, (u) => {
    if (!known(ctx, u?.itemId) || !u.status || u.run !== ctx.runs[u.itemId]) return; // an older run, superseded by a human decision
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
  statuses[it.id] = { ...prev, state: 'running', detail: 'starting', startedAt: Date.now() };
  const input: WorkItemInput = {
    epicId,
    epicWorkflowId: ctx.info.workflowId,
    run,
    item: it,
    repo: ctx.plan.repo,
    settings: ctx.settings,
    source: ctx.plan.source,
    priorAttempts: prev.attempts,
    priorCostUsd: prev.costUsd,
    ...(prev.usage && { priorUsage: prev.usage }),
    ...(budget && { budget }),
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
        if (run !== runs[it.id]) return;
        const next = withOutcome(statuses[it.id], outcome, Date.now());
        if (!next) return;
        statuses[it.id] = next;
        ctx.dirty = true;
      },
      (err) => {
        if (run !== runs[it.id]) return;
        if (isCancellation(err) && ctx.phase === 'cancelled') return; // the child reports its own cancellation
        statuses[it.id] = withChildError(statuses[it.id], isCancellation(err), describe(err), Date.now());
        ctx.dirty = true;
      },
    );
  } catch (err) {
    // Already running (a previous epic run started it and lost track): its signals keep us informed.
    log.warn(`item ${it.id} could not be started: ${describe(err)}`);
    statuses[it.id] = { ...statuses[it.id], detail: `already running (${describe(err)})` };
  }
}

/** Cancels an item's child; its later reports no longer count. */
export async function stopChild(ctx: EpicContext, itemId: string): Promise<void> {
  ctx.runs[itemId] = (ctx.runs[itemId] ?? 0) + 1; // updates of the stopped run no longer count
  await childHandle(ctx, itemId).cancel().catch(() => undefined);
}
