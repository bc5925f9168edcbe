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
import { fnv1a, safeComponent } from '../common/ids';
import type { MergeOutcome, MergeRequest } from '../common/merge';
import { runCommands } from './checks';
import { firstLine, git, GitCommandError, gitSucceeds, grepLiteral, isInside, listWorktrees, OVERSEER_IDENTITY, openRepo, overseerDir, revParse } from './git-repo';
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

/**
 * Conflict markers the merge would add to the target (`<<<<<<< ` / `>>>>>>> ` lines): left by a resolution that
 * claimed success without finishing. `=======` alone is not counted: it is also a Markdown heading underline.
 */
async function leftoverConflictMarkers(top: string, from: string, to: string): Promise<string[]> {
  const diff = await git(top).raw(['diff', '--no-color', '--no-ext-diff', '-U0', from, to]);
  const found: string[] = [];
  let file = '';
  let line = 0;
  let header = false; // between `diff --git` and the first hunk, where `+++ b/<file>` names the file
  for (const l of diff.split('\n')) {
    if (l.startsWith('diff --git ')) header = true;
    else if (header && l.startsWith('+++ ')) file = l.slice(4).replace(/^b\//, '');
    else if (l.startsWith('@@')) {
      header = false;
      line = Number(/\+(\d+)/.exec(l)?.[1] ?? 0);
    } else if (!header && l.startsWith('+')) {
      if (/^\+(<{7}|>{7})( |$)/.test(l)) found.push(`${file}:${line}`);
      line++;
    }
  }
  return found;
}

let mergeTreeSupport: Promise<boolean> | undefined;
/** git 2.38 and later merge without a worktree (`merge-tree --write-tree`), same machinery as `git merge`. */
function canMergeWithoutWorktree(top: string): Promise<boolean> {
  mergeTreeSupport ??= git(top)
    .raw(['version'])
    .then((v) => {
      const [major, minor] = (/(\d+)\.(\d+)/.exec(v) ?? []).slice(1).map(Number);
      return major > 2 || (major === 2 && minor >= 38);
    })
    .catch(() => false);
  return mergeTreeSupport;
}

/** The merge commit of `branchTip` into `oldTip`, made without touching any worktree; or the conflicting files. */
async function mergeWithoutWorktree(top: string, oldTip: string, branchTip: string, message: string): Promise<{ commit: string } | { conflicts: string[] }> {
  let tree: string;
  try {
    tree = await git(top).raw(['merge-tree', '--write-tree', '--no-messages', '--name-only', oldTip, branchTip]);
  } catch (err) {
    // Exit code 1: conflicts; stdout is the tree, then the conflicting paths.
    if (err instanceof GitCommandError && err.exitCode === 1) return { conflicts: [...new Set(err.stdout.trim().split('\n').slice(1).filter(Boolean))] };
    throw err;
  }
  // `git merge -m` ends the message with exactly one newline, so does commit-tree with a trimmed one.
  return { commit: await git(top).raw([...OVERSEER_IDENTITY, 'commit-tree', tree, '-p', oldTip, '-p', branchTip, '-m', message.trimEnd()]) };
}

const MAX_CAS_RETRIES = 5;

export async function mergeBranch(req: MergeRequest): Promise<MergeOutcome> {
  const { top } = await openRepo(req.repoPath);
  const g = git(top);
  const scratch = path.join(overseerDir(top), 'merge', `m-${fnv1a(req.requestId)}`);
  // A previous attempt may have died with its scratch worktree still there (even after publishing). (A registration
  // whose folder is gone is pruned before the next scratch worktree is added.)
  if (existsSync(scratch)) await removeScratch(top, scratch);
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
    let emptyMerge: string | undefined;
    if (contained) {
      const earlier =
        (await mergeOfTip(top, oldTip, branchTip)) ??
        (await findItemMerge({ repoPath: top, targetBranch: req.targetBranch, epicId: req.epicId, itemId: req.itemId }));
      if (earlier) {
        await catchUpStaleCheckouts(top, req.targetBranch, oldTip);
        return { status: 'merged', commit: earlier, alreadyMerged: true };
      }
      // The branch's commits are all on the target already (cherry-picked, or an empty commit of an item that needed
      // no change). The item still gets its `Merge <itemId>:` commit — the target's tree unchanged — so history
      // shows it and a re-run finds it.
      if (branchTip === oldTip) return { status: 'error', message: `branch ${req.branch} has no commit of its own to merge` };
      const tree = await g.raw(['rev-parse', `${oldTip}^{tree}`]);
      emptyMerge = await g.raw([...OVERSEER_IDENTITY, 'commit-tree', tree, '-p', oldTip, '-p', branchTip, '-m', mergeMessage(req)]);
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

    // Merge gates need the merge result on disk: a scratch worktree. Without gates, a modern git merges in memory.
    const inScratch = !emptyMerge && (req.mergeGates.length > 0 || !(await canMergeWithoutWorktree(top)));
    try {
      let newTip: string;
      if (emptyMerge) {
        newTip = emptyMerge;
      } else if (inScratch) {
        await removeScratch(top, scratch);
        await mkdir(path.dirname(scratch), { recursive: true });
        await g.raw(['worktree', 'add', '--detach', scratch, oldTip]);
        const sg = git(scratch);
        try {
          await sg.raw([...OVERSEER_IDENTITY, 'merge', '--no-ff', '--no-verify', '-m', mergeMessage(req), branchTip]);
        } catch (err) {
          const conflicted = await sg.raw(['diff', '--name-only', '--diff-filter=U']).catch(() => '');
          await sg.raw(['merge', '--abort']).catch(() => undefined);
          if (conflicted) return { status: 'conflict', files: conflicted.split('\n'), targetTip: oldTip };
          throw err;
        }
        // Read before the gates run: whatever they do in the scratch worktree, this merge commit is what gets published.
        newTip = await sg.raw(['rev-parse', 'HEAD']);
      } else {
        const merged = await mergeWithoutWorktree(top, oldTip, branchTip, mergeMessage(req));
        if ('conflicts' in merged) return { status: 'conflict', files: merged.conflicts, targetTip: oldTip };
        newTip = merged.commit;
      }
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
      const markers = await leftoverConflictMarkers(top, oldTip, newTip);
      if (markers.length) {
        return {
          status: 'gate_failed',
          gate: 'no leftover conflict markers',
          outputTail: `the merge would add conflict markers to ${req.targetBranch} at ${markers.slice(0, 10).join(', ')}${markers.length > 10 ? ', …' : ''}`,
          logPath: '',
        };
      }
      if (req.mergeGates.length && inScratch) {
        const logPath = path.join(overseerDir(top), 'logs', safeComponent(req.epicId), safeComponent(req.itemId), `merge-gates-${fnv1a(req.requestId)}.log`);
        const gates = await runCommands({ cwd: scratch, commands: req.mergeGates, timeoutMs: parseDuration(req.gateTimeout), logPath });
        if (!gates.passed) return { status: 'gate_failed', gate: gates.command, outputTail: gates.outputTail, logPath };
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
      if (inScratch) await removeScratch(top, scratch);
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
