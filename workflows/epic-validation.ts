/**
 * A validation round (`settings.validation`): once every item is merged, the product manager checks the
 * integrated result in an inspection worktree; the follow-ups it asks for join the same DAG.
 */
import { log, patched } from '@temporalio/workflow';
import type { AgentRunInput } from '../activities/agent/runner';
import { criticalPathLengths } from '../common/dag';
import { followUpItems } from '../common/epic-commands';
import { allGood } from '../common/epic-dispatch';
import { VALIDATION_ITEM_ID } from '../common/ids';
import type { ValidationReport } from '../common/reports';
import { describe } from './messages';
import { agentActivities } from './activity-options';
import { known, updateSearchAttributes, type EpicContext } from './epic-context';
import { validateOnHost } from './epic-validation-host';

/** One validation round, when the plan asks for one; returns how many follow-up items it added. */
export async function validate(ctx: EpicContext): Promise<number> {
  const { settings, items, statuses } = ctx;
  if (!settings.validation.enabled || !allGood(items, statuses) || ctx.validationRounds >= settings.validation.maxRounds) return 0;
  ctx.validationRounds++;
  ctx.phase = 'validating';
  updateSearchAttributes(ctx);
  const report = await runValidation(ctx);
  if (!report || report.verdict !== 'needs_work' || !report.followUps.length) return 0;
  const added = followUpItems(report.followUps, ctx.epicId, ctx.validationRounds, (id) => known(ctx, id));
  for (const { item, status } of added) {
    items.push(item);
    ctx.followUps.push(item);
    statuses[item.id] = status;
  }
  ctx.critical = criticalPathLengths(items);
  ctx.phase = 'running';
  ctx.dirty = true;
  return added.length;
}

/** The validating session; undefined when it failed (validation is advice on finished work: merges stay). */
async function runValidation(ctx: EpicContext): Promise<ValidationReport | undefined> {
  const name = `_validation-${ctx.validationRounds}`;
  try {
    // A plan on a git remote (issue 12): on a worker host. Before this, such a round failed at once (no path).
    if (ctx.plan.repo.url && patched('remote-validation')) {
      const res = await validateOnHost(ctx, name, (where) => validationSession(ctx, where));
      return res.report as ValidationReport;
    }
    return await validateHere(ctx, name);
  } catch (err) {
    log.warn(`validation round ${ctx.validationRounds} failed: ${describe(err)}`);
    return undefined;
  }
}

/** A plan on a local repository: the inspection worktree in it, the session on the shared agents' queue. */
async function validateHere(ctx: EpicContext, name: string): Promise<ValidationReport> {
  const { plan, epicId, settings, core } = ctx;
  try {
    const wt = await core.prepareInspectionWorktree({ repoPath: plan.repo.path, epicId, name, targetBranch: plan.repo.targetBranch });
    const res = await agentActivities(settings).runAgent(validationSession(ctx, { cwd: wt.worktreePath, repoPath: plan.repo.path }));
    return res.report as ValidationReport;
  } finally {
    await core.removeWorktree({ repoPath: plan.repo.path, epicId, itemId: name, deleteBranch: false }).catch(() => undefined);
  }
}

/** The product manager's session, in `where` (its inspection worktree and the repository that holds it). */
function validationSession(ctx: EpicContext, where: Pick<AgentRunInput, 'cwd' | 'repoPath'>): AgentRunInput {
  const { plan, epicId, settings, items, statuses } = ctx;
  return {
    epicId,
    kind: 'validate',
    cwd: where.cwd,
    repoPath: where.repoPath,
    targetBranch: plan.repo.targetBranch,
    agent: settings.agent,
    ...(ctx.rolePromptCommit && { rolePromptCommit: ctx.rolePromptCommit }),
    item: {
      id: VALIDATION_ITEM_ID,
      title: `Validate epic ${epicId}: ${plan.title}`,
      description: items.map((it) => `- ${it.id}: ${it.title} (${statuses[it.id].state})`).join('\n'),
      acceptance: items.flatMap((it) => it.acceptance),
      dependsOn: [],
      files: [],
    },
  };
}
