/**
 * Through the merge queue: the item's branch is queued and the queue answers by signal. A conflict gets a
 * resolution session (twice), then a human's `merge_conflict` question; a failing merge gate goes back to the
 * implementer. Ends with the merge commit in the status, or throws ItemFailed / ItemSkipped.
 */
import { condition, workflowInfo } from '@temporalio/workflow';
import type { MergeOutcome, MergeRequest } from '../common/merge';
import { continueItemAsNew } from './item-continue-as-new';
import { shortTail } from './messages';
import { conflictPrompt, mergeGateFailurePrompt } from './prompts';
import { codeChanged, note, setState, type ItemContext } from './item-context';
import { awaitMergeApproval } from './item-approval';
import { gateLoop } from './item-gates';
import { ask, commit, fix, implement, spendAttempt } from './item-implement';
import { ItemFailed, ItemSkipped } from './item-types';
import { isRemote, refreshFromRemote } from './item-host';

type Conflict = Extract<MergeOutcome, { status: 'conflict' }>;
type GateFailed = Extract<MergeOutcome, { status: 'gate_failed' }>;

export async function merge(ctx: ItemContext, implSession: string, resumedRequest?: string): Promise<void> {
  let conflictRounds = 0;
  let pending = resumedRequest; // a request an earlier run of this item queued (continue-as-new)
  for (;;) {
    ctx.implSession = implSession;
    let outcome: MergeOutcome;
    if (pending) {
      outcome = await waitForMerge(ctx, mergeRequest(ctx, pending), ctx.mergeHolds.get(pending));
      pending = undefined;
    } else {
      await awaitMergeApproval(ctx); // asked again when the code changed since (conflict resolution, merge-gate fixes)
      outcome = await enqueueAndWait(ctx);
    }
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

function mergeRequest(ctx: ItemContext, requestId: string): MergeRequest {
  const { info, settings, item } = ctx;
  return {
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
    ...(settings.mergeBatch?.wait && { mergeBatchWait: settings.mergeBatch.wait }),
    // On a remote, the queue merges on a host's mirror of it (the clone path here is this item's host's own).
    ...(ctx.input.repo.url && { url: ctx.input.repo.url, repoPath: ctx.input.repo.url }),
  };
}

/** Queues the branch and waits for the queue's answer. */
async function enqueueAndWait(ctx: ItemContext): Promise<MergeOutcome> {
  ctx.mergeSeq++;
  // The run id keeps a request of an earlier execution of the same item (the epic started again) from being
  // answered with that execution's old result by a queue that remembers it.
  const request = mergeRequest(ctx, `${ctx.info.workflowId}@${ctx.info.runId}#${ctx.mergeSeq}`);
  await setState(ctx, 'merging', 'queued');
  await ctx.core.enqueueMerge(request);
  return waitForMerge(ctx, request);
}

/**
 * Waits for the queue's answer, showing why it is held (the status changes, and the epic hears, only when the
 * reason does); asks again should the request be lost; continues-as-new when Temporal suggests it.
 */
async function waitForMerge(ctx: ItemContext, request: MergeRequest, shown?: string): Promise<MergeOutcome> {
  const { mergeResults, mergeHolds } = ctx;
  const { requestId } = request;
  let shownHold = shown;
  while (!mergeResults.has(requestId)) {
    const woke = await condition(() => mergeResults.has(requestId) || mergeHolds.get(requestId) !== shownHold || workflowInfo().continueAsNewSuggested, '10m');
    if (mergeResults.has(requestId)) break;
    if (mergeHolds.get(requestId) !== shownHold) {
      shownHold = mergeHolds.get(requestId);
      await setState(ctx, 'merging', `held: ${shownHold}`);
    } else if (workflowInfo().continueAsNewSuggested) {
      await continueItemAsNew(ctx, requestId, shownHold);
    } else if (!woke) await ctx.core.enqueueMerge(request);
  }
  return mergeResults.get(requestId)!.outcome;
}

/** A resolution session merges the target into the branch; true when it did (and committed). */
async function resolveConflict(ctx: ItemContext, conflict: Conflict): Promise<boolean> {
  await setState(ctx, 'merging', `conflict in ${conflict.files.join(', ')}; resolving`);
  if (isRemote(ctx)) await refreshFromRemote(ctx); // the host's <target> is the remote's as it is now
  const res = await implement(ctx, 'resolve-conflict', conflictPrompt(conflict.files, ctx.targetBranch));
  if (res.report.status === 'done') {
    await commit(ctx, `${ctx.item.id}: resolve conflicts with ${ctx.targetBranch}`);
    codeChanged(ctx, `conflicts with ${ctx.targetBranch} resolved`); // the session may have committed the merge itself
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
  codeChanged(ctx, `${q.answeredBy} resolved a conflict by hand`); // their own merge commit is new code too
}

/** A merge gate failed on the merged result: the implementer fixes it (an attempt), and the gates run again. */
async function fixMergeGate(ctx: ItemContext, failed: GateFailed, implSession: string): Promise<string> {
  const tail = shortTail(failed.outputTail); // only a short (redacted) tail goes into history
  spendAttempt(ctx, `merge gate \`${failed.gate}\` fails on the merged result:\n${tail}`);
  await setState(ctx, 'running', `fixing merge gate failure: ${failed.gate}`);
  const prompt = mergeGateFailurePrompt(failed.gate, tail, failed.logPath, ctx.targetBranch);
  implSession = await fix(ctx, prompt, implSession, `${ctx.item.id}: fix merge gate ${failed.gate}`);
  return gateLoop(ctx, implSession);
}
