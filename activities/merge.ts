/**
 * The merge itself (DESIGN §2, mergeQueueWorkflow; batches: issue 15). All or nothing: the requests of a batch are
 * stacked on the target's tip (one `--no-ff` merge commit each, as a serialized queue would write them), the merge
 * gates run once on the top of the stack in a scratch worktree, and the whole stack is published by moving the
 * target branch with one compare-and-swap on its old value. A user's checkout of the target branch is never
 * overwritten: one with uncommitted work, or with an untracked or ignored file where the merge changes a path, holds
 * the merge; a clean one is brought along the way git's own `receive.denyCurrentBranch=updateInstead` does it.
 * Idempotent: a branch already merged reports its existing merge commit, so a rerun never merges twice.
 */
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { fnv1a, safeComponent } from '../common/ids';
import type { GateFailure, MergeOutcome, MergeRequest, StackInput, StackResult } from '../common/merge';
import { parseDuration } from '../common/durations';
import { runCommands } from './checks';
import { crashPoint } from './crash-points';
import { ensureExcluded, firstLine, git, grepLiteral, openRepo, overseerDir } from './git-repo';
import { bringAlong, catchUpStaleCheckouts, checkoutHold, userCheckoutsOf } from './merge-checkout';
import { addScratch, buildStack, canMergeWithoutWorktree, dropMarkedMerges, memoryStacker, refTips, removeScratch, worktreeStacker, type StackBuild } from './merge-stack';
import { gateCommand } from './merge-gates';

export { mergeMessage } from './merge-stack';

const MAX_CAS_RETRIES = 5;

interface Repo {
  top: string;
  commonDir: string;
}

/** Runs the merge gates once on the top of the stack (checked out in `scratch`); undefined when they pass. */
async function runStackGates(repo: Repo, scratch: string, head: MergeRequest, build: StackBuild, inScratch: boolean): Promise<GateFailure | undefined> {
  await ensureExcluded(repo.commonDir); // the scratch worktree and the gate log live in .overseer/
  if (!inScratch) await addScratch(repo.top, repo.commonDir, scratch, build.top);
  const key = fnv1a(build.stacked.map((s) => s.req.requestId).join(','));
  const logPath = path.join(overseerDir(repo.top), 'logs', safeComponent(head.epicId), safeComponent(head.itemId), `merge-gates-${key}.log`);
  const timeoutMs = parseDuration(head.gateTimeout);
  const gates = await runCommands({ cwd: scratch, commands: head.mergeGates.map((c) => gateCommand(c, timeoutMs)), timeoutMs: timeoutMs + 10_000, logPath });
  if (gates.passed) return undefined;
  const gate = head.mergeGates[head.mergeGates.map((c) => gateCommand(c, timeoutMs)).indexOf(gates.command)] ?? gates.command;
  const timedOut = gates.exitCode === 124 ? `\n(${gate}: timed out after gateTimeout ${head.gateTimeout})` : '';
  return { gate, outputTail: `${gates.outputTail}${timedOut}`, logPath };
}

/** One round: build the stack on the current tip, check the checkouts, run the gates, publish. */
async function stackRound(repo: Repo, input: StackInput, scratch: string): Promise<StackResult | 'moved'> {
  const [head] = input.requests;
  const target = `refs/heads/${head.targetBranch}`;
  const tips = await refTips(repo.top, [target, ...input.requests.map((r) => `refs/heads/${r.branch}`)]);
  const base = tips.get(target);
  if (!base) throw ApplicationFailure.nonRetryable(`target branch "${head.targetBranch}" does not exist in ${repo.top}`, 'BranchNotFound');
  const checkouts = await userCheckoutsOf(repo.top, head.targetBranch);
  const gated = head.mergeGates.length > 0;
  // Merge gates need the stack's top on disk: a scratch worktree. Older git also stacks there.
  const inScratch = !(await canMergeWithoutWorktree(repo.top));
  if (inScratch) await addScratch(repo.top, repo.commonDir, scratch, base);
  const build = await buildStack(repo, base, input.requests, inScratch ? worktreeStacker(scratch) : memoryStacker(repo.top, repo.commonDir), tips);
  await dropMarkedMerges(repo.top, base, build);
  // Merged before: perhaps by an attempt that died between moving the branch and updating a user's checkout.
  if (build.outcomes.some((o) => o.outcome.status === 'merged')) await catchUpStaleCheckouts(repo.top, checkouts, base);
  const result: StackResult = { base, outcomes: build.outcomes, stacked: build.stacked.map((s) => s.req.requestId), stack: { status: 'none' } };
  if (!build.stacked.length) return result;
  const probe = input.publish === false;
  const hold = probe ? undefined : await checkoutHold(repo.top, head.targetBranch, checkouts, base, build.top);
  if (hold) return { ...result, stack: { status: 'held', reason: hold } };
  if (gated && input.knownGood?.tip !== base) {
    const failure = input.knownFailure?.tip === base ? input.knownFailure.failure : await runStackGates(repo, scratch, head, build, inScratch);
    if (failure) return { ...result, stack: { status: 'gate_failed', ...failure } };
  }
  if (probe) return { ...result, stack: { status: 'passed', tip: build.top } };
  crashPoint('merge:before-publish');
  // Compare-and-swap: fails if anything moved the target since we read it; then stack again on the new tip.
  const label = build.stacked.map((s) => s.req.itemId).join(', ');
  try {
    await git(repo.top).raw(['update-ref', '-m', `overseer: merge ${label}`, target, build.top, base]);
  } catch {
    return 'moved';
  }
  const refused = await bringAlong(checkouts, base, build.top);
  if (refused) {
    await git(repo.top).raw(['update-ref', '-m', `overseer: undo merge ${label}`, target, base, build.top]);
    const reason = `${head.targetBranch} is checked out at ${refused.wt} and could not be brought up to date without overwriting a file there (${firstLine(refused.error)}); the merge waits.`;
    return { ...result, stack: { status: 'held', reason } };
  }
  crashPoint('merge:after-publish');
  for (const s of build.stacked) result.outcomes.push({ requestId: s.req.requestId, outcome: { status: 'merged', commit: s.commit, alreadyMerged: false } });
  return { ...result, stack: { status: 'merged', tip: build.top } };
}

/** The `mergeStack` activity: the requests (queue order, one target, the same gates) as one batch. */
export async function mergeStack(input: StackInput): Promise<StackResult> {
  if (!input.requests.length) throw ApplicationFailure.nonRetryable('mergeStack needs at least one request', 'BadMergeRequest');
  const repo = await openRepo(input.requests[0].repoPath);
  const scratch = path.join(overseerDir(repo.top), 'merge', `m-${fnv1a(input.requests.map((r) => r.requestId).join(','))}`);
  try {
    for (let round = 0; round < MAX_CAS_RETRIES; round++) {
      const result = await stackRound(repo, input, scratch);
      if (result !== 'moved') return result;
    }
  } finally {
    await removeScratch(repo.top, repo.commonDir, scratch);
  }
  throw ApplicationFailure.retryable(`target branch ${input.requests[0].targetBranch} kept moving during the merge`, 'TargetMoved');
}

/** One request alone (the queue's activity before batches; kept for queues recorded then). */
export async function mergeBranch(req: MergeRequest): Promise<MergeOutcome> {
  const r = await mergeStack({ requests: [req] });
  const decided = r.outcomes.find((o) => o.requestId === req.requestId);
  if (decided) return decided.outcome;
  if (r.stack.status === 'held') return { status: 'held', reason: r.stack.reason };
  if (r.stack.status === 'gate_failed') return { status: 'gate_failed', gate: r.stack.gate, outputTail: r.stack.outputTail, logPath: r.stack.logPath };
  return { status: 'error', message: `the merge of ${req.branch} produced no outcome` };
}

/** For `overseer queue` and tests: Overseer's merge commits on the target, oldest first. */
export async function listOverseerMerges(repoPath: string, targetBranch: string): Promise<{ commit: string; subject: string }[]> {
  const out = await git(repoPath).raw([
    'log',
    '--first-parent',
    '--merges',
    '--reverse',
    '--format=%H %s',
    `--grep=^${grepLiteral('Overseer-Item: ')}`,
    `refs/heads/${targetBranch}`,
  ]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ commit: l.slice(0, l.indexOf(' ')), subject: l.slice(l.indexOf(' ') + 1) }));
}
