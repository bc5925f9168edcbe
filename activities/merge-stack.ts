/**
 * Stacking merges (issue 15): the merge commits of several branches, one after another on the target's tip, each
 * exactly the `--no-ff` merge commit a serialized queue would have written (its message and trailers, the previous
 * merge as first parent), made without a worktree where git can (`merge-tree --write-tree`, git ≥ 2.38).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { MergeOutcome, MergeRequest } from '../common/merge';
import { git, GitCommandError, OVERSEER_IDENTITY, refTips } from './git-repo';
export { refTips };
import { commitTree } from './git-objects';
import { findItemMerge, mergeTrailer } from './worktrees';

export function mergeMessage(req: Pick<MergeRequest, 'epicId' | 'itemId' | 'title' | 'branch'>): string {
  return `Merge ${req.itemId}: ${req.title}\n\n${mergeTrailer(req.epicId, req.itemId)}\nOverseer-Branch: ${req.branch}\n`;
}

let mergeTreeSupport: Promise<boolean> | undefined;
/** git 2.38 and later merge without a worktree (`merge-tree --write-tree`), same machinery as `git merge`. */
export function canMergeWithoutWorktree(top: string): Promise<boolean> {
  mergeTreeSupport ??= git(top)
    .raw(['version'])
    .then((v) => {
      const [major, minor] = (/(\d+)\.(\d+)/.exec(v) ?? []).slice(1).map(Number);
      return major > 2 || (major === 2 && minor >= 38);
    })
    .catch(() => false);
  return mergeTreeSupport;
}

/** Removes a scratch worktree of Overseer and only its registration (never `git worktree prune`: issue 11, point 3). */
export async function removeScratch(top: string, commonDir: string, scratch: string): Promise<void> {
  if (existsSync(scratch)) {
    await git(top).raw(['worktree', 'remove', '--force', scratch]).catch(() => undefined);
    if (existsSync(scratch)) await rm(scratch, { recursive: true, force: true });
  }
  // A registration whose folder is gone (a crash): drop that one alone, by its gitdir file.
  const admin = path.join(commonDir, 'worktrees');
  for (const name of existsSync(admin) ? await readdir(admin) : []) {
    const gitdir = await readFile(path.join(admin, name, 'gitdir'), 'utf8').catch(() => '');
    if (path.dirname(gitdir.trim()) === scratch) await rm(path.join(admin, name), { recursive: true, force: true });
  }
}

export async function addScratch(top: string, commonDir: string, scratch: string, commit: string): Promise<void> {
  await removeScratch(top, commonDir, scratch);
  await mkdir(path.dirname(scratch), { recursive: true });
  await git(top).raw(['worktree', 'add', '--detach', scratch, commit]);
}

type Merged = { commit: string } | { conflicts: string[] };

/** One merge onto the stack's top: in memory, or (old git) by `git merge` in a scratch worktree at the top. */
export interface Stacker {
  merge(onto: string, branchTip: string, message: string): Promise<Merged>;
}

export function memoryStacker(top: string, commonDir: string): Stacker {
  return {
    async merge(onto, branchTip, message) {
      let tree: string;
      try {
        tree = await git(top).raw(['merge-tree', '--write-tree', '--no-messages', '--name-only', onto, branchTip]);
      } catch (err) {
        // Exit code 1: conflicts; stdout is the tree, then the conflicting paths.
        if (err instanceof GitCommandError && err.exitCode === 1) return { conflicts: [...new Set(err.stdout.trim().split('\n').slice(1).filter(Boolean))] };
        throw err;
      }
      // `git merge -m` ends the message with exactly one newline, so does commit-tree with a trimmed one.
      return { commit: await commitTree(top, commonDir, tree, [onto, branchTip], message) };
    },
  };
}

/** For git older than 2.38: the scratch worktree follows the stack's top (checked out detached at `onto`). */
export function worktreeStacker(scratch: string): Stacker {
  const sg = git(scratch);
  return {
    async merge(onto, branchTip, message) {
      await sg.raw(['checkout', '-q', '--detach', onto]);
      try {
        await sg.raw([...OVERSEER_IDENTITY, 'merge', '--no-ff', '--no-verify', '-m', message, branchTip]);
      } catch (err) {
        const conflicted = await sg.raw(['diff', '--name-only', '--diff-filter=U']).catch(() => '');
        await sg.raw(['merge', '--abort']).catch(() => undefined);
        if (conflicted) return { conflicts: conflicted.split('\n') };
        throw err;
      }
      return { commit: await sg.raw(['rev-parse', 'HEAD']) };
    },
  };
}

/** The refs among `refs` whose commits the commit `base` contains. */
async function containedIn(top: string, base: string, refs: string[]): Promise<Set<string>> {
  if (!refs.length) return new Set();
  const out = await git(top).raw(['for-each-ref', `--merged=${base}`, '--format=%(refname)', ...refs]);
  return new Set(out.split('\n').filter(Boolean));
}

/** Second parent → merge commit, for the merges on the target's first-parent line (the recent ones). */
async function mergesByTip(top: string, base: string): Promise<Map<string, string>> {
  const out = await git(top).raw(['log', '--first-parent', '--merges', '-n', '1000', '--format=%H %P', base]);
  const map = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [hash, , second] = line.split(' ');
    if (second) map.set(second, hash);
  }
  return map;
}

export interface StackBuild {
  /** Decided whatever happens to the stack: merged before, missing branch, a conflict of the first... */
  outcomes: { requestId: string; outcome: MergeOutcome }[];
  stacked: { req: MergeRequest; commit: string }[];
  top: string;
}

type Step = { kind: 'decided'; outcome: MergeOutcome } | { kind: 'stack'; commit: string } | { kind: 'cut' };

/** What one request does on the stack: merged before, a new merge commit, or the end of this stack. */
async function stackOne(
  ctx: { top: string; commonDir: string; base: string; stacker: Stacker; earlier: Map<string, string>; contained: Set<string>; tips: Map<string, string> },
  req: MergeRequest,
  onto: string,
  first: boolean,
  stackedTips: Set<string>,
): Promise<Step> {
  const ref = `refs/heads/${req.branch}`;
  const branchTip = ctx.tips.get(ref);
  const byTrailer = () => findItemMerge({ repoPath: ctx.top, targetBranch: req.targetBranch, epicId: req.epicId, itemId: req.itemId });
  if (!branchTip) {
    // Merged before and cleaned up, or never existed.
    const earlier = await byTrailer();
    return { kind: 'decided', outcome: earlier ? { status: 'merged', commit: earlier, alreadyMerged: true } : { status: 'error', message: `branch ${req.branch} does not exist` } };
  }
  // The same branch is already on this stack (a repeated request): its answer comes once that lands.
  if (stackedTips.has(branchTip)) return { kind: 'cut' };
  if (ctx.contained.has(ref)) {
    const earlier = ctx.earlier.get(branchTip) ?? (await byTrailer());
    if (earlier) return { kind: 'decided', outcome: { status: 'merged', commit: earlier, alreadyMerged: true } };
    // The branch's commits are all on the target already (cherry-picked, or the empty commit of an item that needed
    // no change): the item still gets its `Merge <itemId>:` commit, the tree unchanged, so history shows it.
    if (branchTip === ctx.base) return { kind: 'decided', outcome: { status: 'error', message: `branch ${req.branch} has no commit of its own to merge` } };
    const tree = await git(ctx.top).raw(['rev-parse', `${onto}^{tree}`]);
    return { kind: 'stack', commit: await commitTree(ctx.top, ctx.commonDir, tree, [onto, branchTip], mergeMessage(req)) };
  }
  const merged = await ctx.stacker.merge(onto, branchTip, mergeMessage(req));
  if ('commit' in merged) return { kind: 'stack', commit: merged.commit };
  // A conflict with the target itself is the item's to resolve; one with a request stacked before it is found
  // again, against the real tip, when it heads the next batch (as a serialized queue would have found it).
  return first ? { kind: 'decided', outcome: { status: 'conflict', files: merged.conflicts, targetTip: ctx.base } } : { kind: 'cut' };
}

/** Stacks the requests in order on `base`, up to the first that cannot join this stack. */
export async function buildStack(repo: { top: string; commonDir: string }, base: string, requests: MergeRequest[], stacker: Stacker, tips: Map<string, string>): Promise<StackBuild> {
  const { top } = repo;
  const contained = await containedIn(top, base, requests.map((r) => `refs/heads/${r.branch}`).filter((ref) => tips.has(ref)));
  // Only a branch the target already contains may have been merged before.
  const earlier = contained.size ? await mergesByTip(top, base) : new Map<string, string>();
  const ctx = { top, commonDir: repo.commonDir, base, stacker, earlier, contained, tips };
  const build: StackBuild = { outcomes: [], stacked: [], top: base };
  const stackedTips = new Set<string>();
  for (const req of requests) {
    const step = await stackOne(ctx, req, build.top, build.stacked.length === 0, stackedTips);
    if (step.kind === 'cut') break;
    if (step.kind === 'decided') {
      build.outcomes.push({ requestId: req.requestId, outcome: step.outcome });
      continue;
    }
    build.stacked.push({ req, commit: step.commit });
    stackedTips.add(tips.get(`refs/heads/${req.branch}`)!);
    build.top = step.commit;
  }
  return build;
}

/**
 * Conflict markers a diff adds (`<<<<<<< ` / `>>>>>>> ` lines): left by a resolution that claimed success without
 * finishing. `=======` alone is not counted: it is also a Markdown heading underline.
 */
export async function leftoverConflictMarkers(top: string, from: string, to: string): Promise<string[]> {
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

/**
 * Cuts the stack before the first merge that adds conflict markers; when that is the first merge, it is decided
 * (`gate_failed`). One diff for the whole stack in the usual case where there are none.
 */
export async function dropMarkedMerges(top: string, base: string, build: StackBuild): Promise<void> {
  if (!build.stacked.length || !(await leftoverConflictMarkers(top, base, build.top)).length) return;
  let below = base;
  for (let i = 0; i < build.stacked.length; i++) {
    const { req, commit } = build.stacked[i];
    const markers = await leftoverConflictMarkers(top, below, commit);
    if (markers.length) {
      if (i === 0) {
        const where = `${markers.slice(0, 10).join(', ')}${markers.length > 10 ? ', …' : ''}`;
        build.outcomes.push({
          requestId: req.requestId,
          outcome: { status: 'gate_failed', gate: 'no leftover conflict markers', outputTail: `the merge would add conflict markers to ${req.targetBranch} at ${where}`, logPath: '' },
        });
      }
      build.stacked = build.stacked.slice(0, i);
      build.top = below;
      return;
    }
    below = commit;
  }
}
