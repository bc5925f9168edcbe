/**
 * Worktree activities (DESIGN §2, workItemWorkflow steps 1, 3 and 7). Each is idempotent: running it twice, or
 * again after a crash half way, leaves the same result.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { itemBranch, safeComponent } from '../common/ids';
import { crashPoint } from './crash-points';
import {
  ensureExcluded,
  git,
  grepLiteral,
  listWorktrees,
  OVERSEER_IDENTITY,
  openRepo,
  overseerDir,
  missingBranch,
  pruneOverseerWorktrees,
  refTips,
  requireBranchTip,
  revParse,
} from './git-repo';

export interface PrepareWorktreeInput {
  repoPath: string;
  epicId: string;
  itemId: string;
  targetBranch: string;
}

export interface PreparedWorktree {
  worktreePath: string;
  branch: string;
  /** Commit of the target branch the item branch started from (or the existing branch tip when reused). */
  baseCommit: string;
  /** True when an existing branch was reused (a retry, or a worker that died after creating it). */
  reused: boolean;
}

export function worktreePathFor(repoTop: string, epicId: string, itemId: string): string {
  return path.join(overseerDir(repoTop), 'worktrees', safeComponent(epicId), safeComponent(itemId));
}

/** Branch `overseer/<epic>/<item>` from the target's current tip, checked out in its own worktree. */
export async function prepareWorktree(input: PrepareWorktreeInput): Promise<PreparedWorktree> {
  const { top, commonDir } = await openRepo(input.repoPath);
  await ensureExcluded(commonDir);
  const branch = itemBranch(input.epicId, input.itemId);
  const worktreePath = worktreePathFor(top, input.epicId, input.itemId);
  const g = git(top);

  // Only a folder that is there can be a live worktree (a registration without its folder is pruned below).
  const existing = existsSync(worktreePath) ? (await listWorktrees(top)).find((w) => path.resolve(w.path) === worktreePath) : undefined;
  if (existing && existing.branch === `refs/heads/${branch}`) {
    return { worktreePath, branch, baseCommit: existing.head ?? '', reused: true };
  }
  if (existing) await g.raw(['worktree', 'remove', '--force', worktreePath]).catch(() => undefined);
  await pruneOverseerWorktrees(top, commonDir);
  if (existsSync(worktreePath)) await rm(worktreePath, { recursive: true, force: true });
  await mkdir(path.dirname(worktreePath), { recursive: true });

  // Both tips in one process: the item branch (it survives an earlier attempt, or a crash after the agent
  // committed: the worktree is rebuilt from it) and the target's.
  const tips = await refTips(top, [`refs/heads/${branch}`, `refs/heads/${input.targetBranch}`]);
  const branchTip = tips.get(`refs/heads/${branch}`);
  if (branchTip) {
    await g.raw(['worktree', 'add', worktreePath, branch]);
    return { worktreePath, branch, baseCommit: branchTip, reused: true };
  }
  const base = tips.get(`refs/heads/${input.targetBranch}`);
  if (!base) throw missingBranch(top, input.targetBranch);
  await g.raw(['worktree', 'add', '-b', branch, worktreePath, base]);
  crashPoint('worktree:after-create');
  return { worktreePath, branch, baseCommit: base, reused: false };
}

/**
 * A detached worktree at the target's current tip, for sessions that inspect the integrated result (the epic's
 * validation). Removed with `removeWorktree` under the same epic id and name.
 */
export async function prepareInspectionWorktree(input: { repoPath: string; epicId: string; name: string; targetBranch: string }): Promise<{ worktreePath: string; commit: string }> {
  const { top, commonDir } = await openRepo(input.repoPath);
  await ensureExcluded(commonDir);
  const worktreePath = worktreePathFor(top, input.epicId, input.name);
  const g = git(top);
  if ((await listWorktrees(top)).some((w) => path.resolve(w.path) === worktreePath)) await g.raw(['worktree', 'remove', '--force', worktreePath]);
  if (existsSync(worktreePath)) await rm(worktreePath, { recursive: true, force: true });
  await pruneOverseerWorktrees(top, commonDir);
  await mkdir(path.dirname(worktreePath), { recursive: true });
  const tip = await requireBranchTip(top, input.targetBranch);
  await g.raw(['worktree', 'add', '--detach', worktreePath, tip]);
  return { worktreePath, commit: tip };
}

export interface CommitInput {
  worktreePath: string;
  message: string;
  /**
   * When the branch has no commit of its own on top of this branch (the agent decided no change was needed), make
   * an empty one: the item still gets a `Merge <itemId>:` commit, so history shows it and a re-run finds it.
   */
  ensureAheadOf?: string;
}

/** Commits whatever the agent left uncommitted. Returns the branch tip and whether a commit was made. */
export async function commitWorktree(input: CommitInput): Promise<{ commit: string; committed: boolean }> {
  const g = git(input.worktreePath);
  await g.raw(['add', '-A']);
  const staged = await g.raw(['diff', '--cached', '--name-only']);
  const empty =
    !staged && input.ensureAheadOf !== undefined && Number(await g.raw(['rev-list', '--count', `refs/heads/${input.ensureAheadOf}..HEAD`])) === 0;
  if (staged || empty) {
    const message = empty ? `${input.message} (no change needed)` : input.message;
    await g.raw([...OVERSEER_IDENTITY, 'commit', '--no-verify', '-q', ...(empty ? ['--allow-empty'] : []), '-m', message]);
  }
  if (staged) crashPoint('commit:after');
  return { commit: await g.raw(['rev-parse', 'HEAD']), committed: Boolean(staged) || empty };
}

/** Whether the item branch has any change against the target (an agent may decide nothing needs doing). */
export async function branchHasChanges(input: { worktreePath: string; targetBranch: string }): Promise<boolean> {
  const g = git(input.worktreePath);
  const ahead = await g.raw(['rev-list', '--count', `refs/heads/${input.targetBranch}..HEAD`]);
  return Number(ahead) > 0;
}

export interface RemoveWorktreeInput {
  repoPath: string;
  epicId: string;
  itemId: string;
  deleteBranch: boolean;
}

/** Removes the item's worktree (and its branch when asked). Missing pieces are fine: it may run twice. */
export async function removeWorktree(input: RemoveWorktreeInput): Promise<void> {
  const { top, commonDir } = await openRepo(input.repoPath);
  const worktreePath = worktreePathFor(top, input.epicId, input.itemId);
  const g = git(top);
  const registered = (await listWorktrees(top)).some((w) => path.resolve(w.path) === worktreePath);
  if (registered) await g.raw(['worktree', 'remove', '--force', worktreePath]).catch(() => undefined);
  if (existsSync(worktreePath)) await rm(worktreePath, { recursive: true, force: true });
  await pruneOverseerWorktrees(top, commonDir);
  crashPoint('worktree:after-remove');
  if (input.deleteBranch) {
    const branch = itemBranch(input.epicId, input.itemId);
    if (await revParse(top, `refs/heads/${branch}`)) await g.raw(['branch', '-D', branch]);
  }
  // Leave no empty epic folder behind (rmdir removes a folder only when it is empty: other items keep theirs).
  await rmdir(path.dirname(worktreePath)).catch(() => undefined);
}

/** The trailer that marks Overseer's merge commits; how a re-run finds what it already merged. */
export function mergeTrailer(epicId: string, itemId: string): string {
  return `Overseer-Item: ${epicId}/${itemId}`;
}

/** The merge commit of this item on the target's first-parent line, if it was merged before. */
export async function findItemMerge(input: {
  repoPath: string;
  targetBranch: string;
  epicId: string;
  itemId: string;
}): Promise<string | undefined> {
  const { top } = await openRepo(input.repoPath);
  const tip = await requireBranchTip(top, input.targetBranch);
  const out = await git(top).raw([
    'log',
    '--first-parent',
    '--merges',
    '--format=%H',
    '-n',
    '1',
    `--grep=^${grepLiteral(mergeTrailer(input.epicId, input.itemId))}$`,
    tip,
  ]);
  return out || undefined;
}

/** Every item of the epic already merged into the target: itemId → merge commit. */
export async function findMergedItems(input: {
  repoPath: string;
  targetBranch: string;
  epicId: string;
}): Promise<Record<string, string>> {
  const { top } = await openRepo(input.repoPath);
  const tip = await requireBranchTip(top, input.targetBranch);
  const prefix = `Overseer-Item: ${input.epicId}/`;
  const out = await git(top).raw([
    'log',
    '--first-parent',
    '--merges',
    '--format=%H%x00%B%x01',
    `--grep=^${grepLiteral(prefix)}`,
    tip,
  ]);
  const merged: Record<string, string> = {};
  for (const record of out.split('\x01')) {
    const [hash, body] = record.trim().split('\x00');
    if (!hash || !body) continue;
    for (const line of body.split('\n')) {
      if (line.startsWith(prefix)) {
        const itemId = line.slice(prefix.length).trim();
        if (!(itemId in merged)) merged[itemId] = hash;
      }
    }
  }
  return merged;
}
