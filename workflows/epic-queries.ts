/** The epic's queries: `status` (the whole epic) and `questions` (every open one). */
import { setHandler } from './handlers';
import { epicStatusQuery, questionsQuery } from '../common/api';
import { isTerminalPhase, pendingQuestions, totalCost } from '../common/epic-dispatch';
import type { EpicStatus } from '../common/status';
import { hasBudget } from '../common/budget';
import { sumUsage } from '../common/usage';
import { budgetView } from './epic-budget';
import { openCompletionQuestions } from './epic-completion';
import type { EpicContext } from './epic-context';

export function registerQueries(ctx: EpicContext): void {
  const { epicId, plan, items, statuses } = ctx;
  setHandler(epicStatusQuery, (): EpicStatus => ({
    epicId,
    title: plan.title,
    phase: ctx.phase,
    repoPath: plan.repo.path,
    ...(plan.repo.url !== undefined && { repoUrl: plan.repo.url }),
    targetBranch: plan.repo.targetBranch,
    items: items.map((it) => ({ ...statuses[it.id] })),
    startedAt: ctx.startedAt,
    finishedAt: isTerminalPhase(ctx.phase) ? Date.now() : undefined,
    validationRounds: ctx.validationRounds,
    costUsd: totalCost(items, statuses),
    ...(items.some((it) => statuses[it.id].usage) && { usage: sumUsage(items.map((it) => statuses[it.id].usage)) }),
    ...(hasBudget(ctx.budget) && { budget: budgetView(ctx) }),
  }));
  setHandler(questionsQuery, () => [...pendingQuestions(items, statuses), ...openCompletionQuestions(ctx)]);
}
