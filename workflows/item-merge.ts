/**
 * Through the merge queue: the item's branch is queued and the queue answers by signal. A conflict gets a
 * resolution session (twice), then a human's `merge_conflict` question; a failing merge gate goes back to the
 * implementer. Ends with the merge commit in the status, or throws ItemFailed / ItemSkipped.
 */
import { condition } from '@temporalio/workflow';
import type { MergeOutcome } from '../common/merge';
import { conflictPrompt, mergeGateFailurePrompt } from './prompts';
import { note, setState, type ItemContext } from './item-context';
import { gateLoop } from './item-gates';
import { ask, commit, fix, implement, spendAttempt } from './item-implement';
import { ItemFailed, ItemSkipped } from './item-types';

type Conflict = Extract<MergeOutcome, { status: 'conflict' }>;
type GateFailed = Extract<MergeOutcome, { status: 'gate_failed' }>;

export async function merge(ctx: ItemContext, implSession: string): Promise<void> {
  let conflictRounds = 0;
  for (;;) {
    const outcome = await enqueueAndWait(ctx);
    if (outcome.status === 'merged') {
      ctx.status.mergeCommit = outcome.commit;
      return;
    }
    if (outcome.status === 'conflict') {
      conflictRounds++;
      if (conflictRounds <= 2 && (await resolveConflict(ctx, outcome))) {
        implSession = await gateLoop(ctx, implSession);
        continue;
      }
      await askAboutConflict(ctx, outcome);
      conflictRounds = 0;
      continue;
    }
    if (outcome.status === 'gate_failed') {
      implSession = await fixMergeGate(ctx, outcome, implSession);
      continue;
    }
    if (outcome.status === 'error') throw new ItemFailed(`merge failed: ${outcome.message}`);
  }
}

/** Queues the branch and waits for the queue's answer, showing why it is held; asks again should it be lost. */
async function enqueueAndWait(ctx: ItemContext): Promise<MergeOutcome> {
  const { info, settings, item, mergeResults, mergeHolds } = ctx;
  ctx.mergeSeq++;
  // The run id keeps a request of an earlier execution of the same item (the epic started again) from being
  // answered with that execution's old result by a queue that remembers it.
  const requestId = `${info.workflowId}@${info.runId}#${ctx.mergeSeq}`;
  const request = {
    requestId,
    epicId: ctx.epicId,
    itemId: item.id,
    title: item.title,
    repoPath: ctx.repoPath,
    targetBranch: ctx.targetBranch,
    branch: ctx.branch,
    replyTo: info.workflowId,
    mergeGates: settings.mergeGates,
    gateTimeout: settings.gateTimeout,
    holdRetry: settings.mergeHoldRetry,
    heartbeatTimeout: settings.heartbeatTimeout,
    ...(settings.mergeBatch && { mergeBatch: settings.mergeBatch.max }),
  };
  await setState(ctx, 'merging', 'queued');
  await ctx.core.enqueueMerge(request);
  // The queue answers by signal. Should it ever lose the request (reset, terminated), asking again is safe.
  let shownHold: string | undefined;
  while (!mergeResults.has(requestId)) {
    const woke = await condition(() => mergeResults.has(requestId) || mergeHolds.get(requestId) !== shownHold, '10m');
    if (mergeResults.has(requestId)) break;
    if (mergeHolds.get(requestId) !== shownHold) {
      shownHold = mergeHolds.get(requestId);
      await setState(ctx, 'merging', `held: ${shownHold}`);
    } else if (!woke) await ctx.core.enqueueMerge(request);
  }
  return mergeResults.get(requestId)!.outcome;
}

/** A resolution session merges the target into the branch; true when it did (and committed). */
async function resolveConflict(ctx: ItemContext, conflict: Conflict): Promise<boolean> {
  await setState(ctx, 'merging', `conflict in ${conflict.files.join(', ')}; resolving`);
  const res = await implement(ctx, 'resolve-conflict', conflictPrompt(conflict.files, ctx.targetBranch));
  if (res.report.status === 'done') {
    await commit(ctx, `${ctx.item.id}: resolve conflicts with ${ctx.targetBranch}`);
    return true;
  }
  note(ctx, `conflict resolution failed: ${res.report.summary}`);
  return false;
}

/** A human resolves by hand and answers retry, or skips the item, or aborts it. */
async function askAboutConflict(ctx: ItemContext, conflict: Conflict): Promise<void> {
  const { branch, targetBranch, worktree } = ctx;
  const files = conflict.files.join(', ');
  const q = await ask(ctx, {
    kind: 'merge_conflict',
    question: `Merging ${branch} into ${targetBranch} conflicts in ${files} and could not be resolved automatically. Resolve it by hand in ${worktree} (merge ${targetBranch} into the branch and commit), then answer "retry"; or answer "skip" or "abort".`,
    options: ['retry', 'skip', 'abort'],
    context: `conflicting files: ${files}`,
  });
  const choice = (q.answer ?? '').trim().toLowerCase();
  if (choice.startsWith('skip')) throw new ItemSkipped(`skipped by ${q.answeredBy} after a merge conflict`);
  if (choice.startsWith('abort')) throw new ItemFailed(`merge aborted by ${q.answeredBy} after a conflict`);
  await commit(ctx, `${ctx.item.id}: manual conflict resolution`);
}

/** A merge gate failed on the merged result: the implementer fixes it (an attempt), and the gates run again. */
async function fixMergeGate(ctx: ItemContext, failed: GateFailed, implSession: string): Promise<string> {
  spendAttempt(ctx, `merge gate \`${failed.gate}\` fails on the merged result:\n${failed.outputTail}`);
  await setState(ctx, 'running', `fixing merge gate failure: ${failed.gate}`);
  const prompt = mergeGateFailurePrompt(failed.gate, failed.outputTail, failed.logPath, ctx.targetBranch);
  implSession = await fix(ctx, prompt, implSession, `${ctx.item.id}: fix merge gate ${failed.gate}`);
  return gateLoop(ctx, implSession);
}
