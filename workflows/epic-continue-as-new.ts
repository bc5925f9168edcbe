/**
 * Continue-as-new, when Temporal suggests it (the history grows long). The children report to the epic's
 * workflow id, so the next run hears them; it gets the statuses, runs and follow-ups, and the plan as given.
 */
import { allHandlersFinished, condition, continueAsNew } from '@temporalio/workflow';
import { hasBudget } from '../common/budget';
import type { EpicResult } from '../common/status';
import type { EpicCarry, EpicContext } from './epic-context';

export async function continueAsNewNow(ctx: EpicContext): Promise<never> {
  await condition(allHandlersFinished);
  const { statuses, runs, closing, paused, startedAt, validationRounds, followUps } = ctx;
  // The type is spelled out: importing epicWorkflow here would make an import circle.
  return continueAsNew<(plan: EpicContext['planInput'], carry?: EpicCarry) => Promise<EpicResult>>(ctx.planInput, {
    statuses,
    runs,
    closing,
    paused,
    startedAt,
    validationRounds,
    followUps,
    ...(hasBudget(ctx.budget) && { budget: ctx.budget }),
    ...(ctx.rolePromptCommit && { rolePromptCommit: ctx.rolePromptCommit }),
  });
}
