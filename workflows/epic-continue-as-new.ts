/**
 * Continue-as-new, when Temporal suggests it or the history passed EPIC_HISTORY_EVENTS (it grows long), or when a
 * new build became current (it starts on it). The children report to the epic's workflow id, so the next run hears
 * them; it gets the statuses, runs and follow-ups, and the plan as given.
 */
import { allHandlersFinished, condition, patched, workflowInfo } from '@temporalio/workflow';
import { hasBudget } from '../common/budget';
import type { EpicResult } from '../common/status';
import type { EpicCarry, EpicContext } from './epic-context';
import { continueAsNewOnCurrentBuild } from './versioning';

/**
 * Past this many events the epic continues as new before Temporal suggests it (at 4,096 on a default server). A
 * worker without the epic in its cache replays the whole history inside one workflow task: a 300-item epic's
 * 4,100 events took 10–13 s to replay on two busy cores, past the 10 s task timeout, and each retry replayed again.
 */
export const EPIC_HISTORY_EVENTS = 1_000;

/** The epic's history is long enough to start a new run (behind a patch: older histories continued later). */
export function epicHistoryFull(): boolean {
  return workflowInfo().historyLength > EPIC_HISTORY_EVENTS && patched('epic-history-limit');
}

export async function continueAsNewNow(ctx: EpicContext): Promise<never> {
  await condition(allHandlersFinished);
  const { statuses, runs, closing, paused, startedAt, validationRounds, followUps } = ctx;
  // The type is spelled out: importing epicWorkflow here would make an import circle.
  return continueAsNewOnCurrentBuild<(plan: EpicContext['planInput'], carry?: EpicCarry) => Promise<EpicResult>>(ctx.planInput, {
    statuses,
    runs,
    closing,
    paused,
    startedAt,
    validationRounds,
    followUps,
    ...(hasBudget(ctx.budget) && { budget: ctx.budget }),
    ...(ctx.plan.program && { program: ctx.program }),
    ...(ctx.rolePromptCommit && { rolePromptCommit: ctx.rolePromptCommit }),
  });
}
