/** The epic's first and last steps: what an earlier run already merged, and the plan's source told of start and end. */
import { allHandlersFinished, condition, log, patched } from '@temporalio/workflow';
import { mergedEarlier } from '../common/epic-commands';
import { epicResult, finalPhase } from '../common/epic-dispatch';
import type { EpicResult } from '../common/status';
import { describe } from './messages';
import { beforeSessionComplete } from './epic-completion';
import { updateSearchAttributes, type EpicContext } from './epic-context';

/** The first run (not after continue-as-new): started again with the same epic id, what is merged is not done twice. */
export async function start(ctx: EpicContext): Promise<void> {
  const { plan, epicId } = ctx;
  const { url, targetBranch } = plan.repo;
  // A plan on a git remote (issue 12; no recorded history has one): asked of any host's mirror of the remote.
  const merged = url
    ? await ctx.core.findRemoteMergedItems({ url, targetBranch, epicId })
    : await ctx.core.findMergedItems({ repoPath: plan.repo.path, targetBranch, epicId });
  Object.assign(ctx.statuses, mergedEarlier(ctx.statuses, merged));
  if (!url && patched('fixed-council-prompts')) ctx.rolePromptCommit = await ctx.core.councilPromptsCommit({ repoPath: plan.repo.path, targetBranch });
  // The remote's own `.claude/agents/` at its target's commit now; every host reads them from that commit.
  else if (url && patched('remote-council-prompts')) ctx.rolePromptCommit = await ctx.core.remoteCouncilPromptsCommit({ url, targetBranch });
  await sourceWriteBack(ctx, 'epic-started');
}

/** Every item is finished: the epic completes, or fails when an item failed. */
export async function complete(ctx: EpicContext): Promise<EpicResult> {
  ctx.phase = finalPhase(ctx.items, ctx.statuses);
  if (ctx.phase === 'completed') await beforeSessionComplete(ctx); // ccw `completion: ask`
  updateSearchAttributes(ctx);
  await condition(allHandlersFinished);
  if (ctx.phase === 'completed') await sourceWriteBack(ctx, 'epic-completed');
  return epicResult(ctx.epicId, ctx.phase, ctx.items, ctx.statuses, ctx.startedAt, Date.now());
}

/** The plan's source hears when the epic starts and completes (a ccw session turns `active`, then `completed`). */
async function sourceWriteBack(ctx: EpicContext, kind: 'epic-started' | 'epic-completed'): Promise<void> {
  const { source } = ctx.plan;
  if (!source || source.kind === 'native') return;
  try {
    await ctx.core.writeBack(source, { kind });
  } catch (err) {
    log.warn(`write-back (${kind}) failed: ${describe(err)}`); // never fails the epic
  }
}
