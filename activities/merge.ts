/**
 * The merge itself (DESIGN §2, mergeQueueWorkflow). All or nothing: the merge is made in a scratch worktree,
 * checked by the merge gates there, and published by moving the target branch with a compare-and-swap on its old
 * value. A user's checkout of the target branch is never overwritten: a dirty one holds the merge; a clean one is
 * brought along the way git's own `receive.denyCurrentBranch=updateInstead` does it. Idempotent: a branch that is
 * already merged reports its existing merge commit.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { fnv1a } from '../common/ids';
import type { MergeOutcome, MergeRequest } from '../common/merge';
import { runCommands } from './checks';
import { firstLine, git, gitSucceeds, grepLiteral, isInside, listWorktrees, OVERSEER_IDENTITY, openRepo, overseerDir, revParse } from './git-repo';
import { findItemMerge, mergeTrailer } from './worktrees';
import { parseDuration } from '../common/durations';
import { crashPoint } from './crash-points';

export function mergeMessage(req: Pick<MergeRequest, 'epicId' | 'itemId' | 'title' | 'branch'>): string {
  return `Merge ${req.itemId}: ${req.title}\n\n${mergeTrailer(req.epicId, req.itemId)}\nOverseer-Branch: ${req.branch}\n`;
}

async function removeScratch(top: string, scratch: string): Promise<void> {
  await git(top).raw(['worktree', 'remove', '--force', scratch]).catch(() => undefined);
  if (existsSync(scratch)) await rm(scratch, { recursive: true, force: true });
  await git(top).raw(['worktree', 'prune']).catch(() => undefined);
}

/** A merge commit on the target's first-parent line whose second parent is `branchTip`. */
async function mergeOfTip(top: string, targetTip: string, branchTip: string): Promise<string | undefined> {
  const out = await git(top).raw(['log', '--first-parent', '--merges', '--format=%H %P', targetTip]);
  for (const line of out.split('\n')) {
    const [hash, , second] = line.split(' ');
    if (second === branchTip) return hash;
  }
  return undefined;
}

/** Worktrees of the user (not Overseer's) that have the target branch checked out. */
async function userCheckoutsOf(top: string, targetBranch: string): Promise<string[]> {
  const mine = overseerDir(top);
  return (await listWorktrees(top))
    .filter((w) => w.branch === `refs/heads/${targetBranch}` && !isInside(path.resolve(w.path), mine))
    .map((w) => w.path);
}

async function isDirty(worktree: string): Promise<string | undefined> {
  // Staged and unstaged changes to tracked files (not `status --porcelain`: its leading space does not survive the
  // trimmed output). --no-optional-locks: a background look must not take the user's index.lock.
  const names = async (args: string[]) => (await git(worktree).raw(['--no-optional-locks', 'diff', '--name-only', '-z', ...args])).split('\0').filter(Boolean);
  const files = [...new Set([...(await names(['--cached'])), ...(await names([]))])];
  if (!files.length) return undefined;
  return `${files.length} uncommitted change${files.length === 1 ? '' : 's'} (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''})`;
}

/**
 * A user checkout left behind by a merge interrupted between moving the branch and updating the checkout (worker
 * killed): its index still matches the merge's first parent exactly. Brings it along, as the merge would have; the
 * two-way `read-tree -m -u` keeps edits made since to files the merge does not touch and refuses anything else.
 */
async function catchUpStaleCheckouts(top: string, targetBranch: string, tip: string): Promise<void> {
  const parents = (await git(top).raw(['rev-list', '--parents', '-n', '1', tip])).split(' ').slice(1);
  if (parents.length !== 2) return;
  const [previous] = parents;
  for (const wt of await userCheckoutsOf(top, targetBranch)) {
    const stale =
      !(await gitSucceeds(wt, ['--no-optional-locks', 'diff-index', '--quiet', '--cached', tip])) &&
      (await gitSucceeds(wt, ['--no-optional-locks', 'diff-index', '--quiet', '--cached', previous]));
    if (stale) await git(wt).raw(['read-tree', '-m', '-u', previous, tip]).catch(() => undefined);
  }
}

const MAX_CAS_RETRIES = 5;

export async function mergeBranch(req: MergeRequest): Promise<MergeOutcome> {
  const { top } = await openRepo(req.repoPath);
  const g = git(top);
  const scratch = path.join(overseerDir(top), 'merge', `m-${fnv1a(req.requestId)}`);
  // A previous attempt may have died with its scratch worktree still there (even after publishing).
  await removeScratch(top, scratch);
  for (let round = 0; round < MAX_CAS_RETRIES; round++) {
    const oldTip = await revParse(top, `refs/heads/${req.targetBranch}`);
    if (!oldTip) {
      throw ApplicationFailure.nonRetryable(`target branch "${req.targetBranch}" does not exist in ${top}`, 'BranchNotFound');
    }
    const branchTip = await revParse(top, `refs/heads/${req.branch}`);
    if (!branchTip) {
      // Merged before and cleaned up, or never existed.
      const earlier = await findItemMerge({ repoPath: top, targetBranch: req.targetBranch, epicId: req.epicId, itemId: req.itemId });
      if (earlier) return { status: 'merged', commit: earlier, alreadyMerged: true };
      return { status: 'error', message: `branch ${req.branch} does not exist` };
    }
    const contained = await gitSucceeds(top, ['merge-base', '--is-ancestor', branchTip, oldTip]);
    if (contained) {
      const commit =
        (await mergeOfTip(top, oldTip, branchTip)) ??
        (await findItemMerge({ repoPath: top, targetBranch: req.targetBranch, epicId: req.epicId, itemId: req.itemId })) ??
        oldTip;
      if (commit === oldTip) await catchUpStaleCheckouts(top, req.targetBranch, oldTip);
      return { status: 'merged', commit, alreadyMerged: true };
    }

    const userCheckouts = await userCheckoutsOf(top, req.targetBranch);
    for (const wt of userCheckouts) {
      const dirty = await isDirty(wt);
      if (dirty) {
        return {
          status: 'held',
          reason: `${req.targetBranch} is checked out at ${wt} with ${dirty}; Overseer will not move it under uncommitted work. Commit or stash them, or switch that checkout to another branch; the merge waits.`,
        };
      }
    }

    await removeScratch(top, scratch);
    await mkdir(path.dirname(scratch), { recursive: true });
    await g.raw(['worktree', 'add', '--detach', scratch, oldTip]);
    try {
      const sg = git(scratch);
      try {
        await sg.raw([...OVERSEER_IDENTITY, 'merge', '--no-ff', '--no-verify', '-m', mergeMessage(req), branchTip]);
      } catch (err) {
        const conflicted = await sg.raw(['diff', '--name-only', '--diff-filter=U']).catch(() => '');
        await sg.raw(['merge', '--abort']).catch(() => undefined);
        if (conflicted) return { status: 'conflict', files: conflicted.split('\n'), targetTip: oldTip };
        throw err;
      }
      if (req.mergeGates.length) {
        const logPath = path.join(overseerDir(top), 'logs', req.epicId, req.itemId, `merge-gates-${fnv1a(req.requestId)}.log`);
        const gates = await runCommands({ cwd: scratch, commands: req.mergeGates, timeoutMs: parseDuration(req.gateTimeout), logPath });
        if (!gates.passed) return { status: 'gate_failed', gate: gates.command, outputTail: gates.outputTail, logPath };
      }
      const newTip = await sg.raw(['rev-parse', 'HEAD']);
      for (const wt of userCheckouts) {
        // Would bringing the clean checkout along overwrite anything (an untracked file in the way)? Then the
        // branch does not move at all.
        try {
          await git(wt).raw(['read-tree', '-m', '-u', '-n', oldTip, newTip]);
        } catch (err) {
          return {
            status: 'held',
            reason: `${req.targetBranch} is checked out at ${wt} and could not be brought up to date without overwriting a file there (${firstLine(err)}); move that file or switch that checkout to another branch; the merge waits.`,
          };
        }
      }
      crashPoint('merge:before-publish');
      // Compare-and-swap: fails if anything moved the target since we read it; then merge again on the new tip.
      try {
        await g.raw(['update-ref', '-m', `overseer: merge ${req.itemId}`, `refs/heads/${req.targetBranch}`, newTip, oldTip]);
      } catch {
        continue;
      }
      for (const wt of userCheckouts) {
        try {
          // Two-way merge of the clean checkout from the old tip to the new one; refuses rather than overwrite.
          await git(wt).raw(['read-tree', '-m', '-u', oldTip, newTip]);
        } catch (err) {
          await g.raw(['update-ref', '-m', `overseer: undo merge ${req.itemId}`, `refs/heads/${req.targetBranch}`, oldTip, newTip]);
          return {
            status: 'held',
            reason: `${req.targetBranch} is checked out at ${wt} and could not be brought up to date without overwriting a file there (${firstLine(err)}); the merge waits.`,
          };
        }
      }
      crashPoint('merge:after-publish');
      return { status: 'merged', commit: newTip, alreadyMerged: false };
    } finally {
      await removeScratch(top, scratch);
    }
  }
  throw ApplicationFailure.retryable(`target branch ${req.targetBranch} kept moving during the merge of ${req.branch}`, 'TargetMoved');
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
