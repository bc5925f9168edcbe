/**
 * Item worktrees on a host, made from its cache clone of the remote (issue 12). The pushed item branch is the
 * durable checkpoint: a host that takes an item over (its first host died) rebuilds the worktree from it, so no
 * commit that reached the remote is lost and only work since the last push is redone. Idempotent.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { itemBranch, safeComponent } from '../common/ids';
import { git, GitCommandError, OVERSEER_IDENTITY } from './git-repo';
import { cacheClonePath, ensureCacheClone, pushItemBranch, remoteKey } from './remote-git';

export interface RemoteWorktreeInput {
  url: string;
  epicId: string;
  itemId: string;
  targetBranch: string;
}

export interface RemoteWorktree {
  clone: string;
  worktreePath: string;
  branch: string;
  /** Where the branch starts: the pushed branch's tip when rebuilt, else the remote target's tip. */
  baseCommit: string;
  /** True when the branch came from the remote (a retry or a takeover), false when new from the target. */
  fromPushedBranch: boolean;
}

export function remoteWorktreePath(workdir: string, url: string, epicId: string, itemId: string): string {
  return path.join(workdir, 'worktrees', remoteKey(url), safeComponent(epicId), safeComponent(itemId));
}

async function tip(clone: string, ref: string): Promise<string | undefined> {
  try {
    return await git(clone).raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch (err) {
    if (err instanceof GitCommandError) return undefined;
    throw err;
  }
}

/** The worktree of an item on this host: reused if there, else rebuilt from the pushed branch, else new. */
export async function prepareRemoteWorktree(workdir: string, input: RemoteWorktreeInput): Promise<RemoteWorktree> {
  const clone = await ensureCacheClone(workdir, input.url);
  const branch = itemBranch(input.epicId, input.itemId);
  const worktreePath = remoteWorktreePath(workdir, input.url, input.epicId, input.itemId);
  const pushed = await tip(clone, `refs/remotes/origin/${branch}`);
  // `<target>` in the worktree is the remote's as just fetched (what a conflict resolution merges; no worktree has
  // it checked out: items are on their own branches).
  const remoteTarget = await tip(clone, `refs/remotes/origin/${input.targetBranch}`);
  if (remoteTarget) await git(clone).raw(['update-ref', `refs/heads/${input.targetBranch}`, remoteTarget]);
  const there = existsSync(worktreePath);
  if (there && existsSync(path.join(worktreePath, '.git'))) {
    const head = await git(worktreePath).raw(['rev-parse', 'HEAD']);
    // The local worktree holds everything pushed (it pushed it), unless another host moved the branch on since.
    if (!pushed || (await isAncestor(clone, pushed, head))) return { clone, worktreePath, branch, baseCommit: head, fromPushedBranch: Boolean(pushed) };
  }
  if (!pushed && !remoteTarget) throw new Error(`branch "${input.targetBranch}" does not exist on ${input.url}`);
  const base = pushed ?? remoteTarget!;
  const add = () => git(clone).raw(['worktree', 'add', '--quiet', '-B', branch, worktreePath, base]);
  // Nothing there (the usual case): added at once. Else, or when git still has it registered (a folder removed
  // without git), whatever is left goes first.
  if (there || !(await add().then(() => true, () => false))) {
    await clearWorktree(clone, worktreePath);
    await add();
  }
  return { clone, worktreePath, branch, baseCommit: base, fromPushedBranch: Boolean(pushed) };
}

/** An item's worktree folder gone, and git's record of it. */
async function clearWorktree(clone: string, worktreePath: string): Promise<void> {
  await git(clone).raw(['worktree', 'remove', '--force', worktreePath]).catch(() => undefined);
  await rm(worktreePath, { recursive: true, force: true });
  await git(clone).raw(['worktree', 'prune']);
  await mkdir(path.dirname(worktreePath), { recursive: true });
}

async function isAncestor(clone: string, sha: string, of: string): Promise<boolean> {
  try {
    await git(clone).raw(['merge-base', '--is-ancestor', sha, of]);
    return true;
  } catch (err) {
    if (err instanceof GitCommandError && err.exitCode === 1) return false;
    throw err;
  }
}

/**
 * Commits what the agent left (if anything) and pushes the branch: the checkpoint a takeover starts from.
 * `ensureAheadOf` (a target branch): when the branch has no commit of its own on the remote's target, an empty one
 * is made, so the item still gets its `Merge <itemId>:` commit (as commitWorktree does locally).
 */
export async function commitAndPush(input: { worktreePath: string; clone: string; branch: string; message: string; ensureAheadOf?: string }): Promise<{ commit: string; committed: boolean }> {
  const g = git(input.worktreePath);
  await g.raw(['add', '-A']);
  const dirty = await g.raw(['diff', '--cached', '--quiet']).then(() => false, () => true);
  const empty = !dirty && input.ensureAheadOf !== undefined && Number(await g.raw(['rev-list', '--count', `refs/remotes/origin/${input.ensureAheadOf}..HEAD`])) === 0;
  if (dirty || empty) {
    const message = empty ? `${input.message} (no change needed)` : input.message;
    await g.raw([...OVERSEER_IDENTITY, 'commit', '--no-verify', '--quiet', ...(empty ? ['--allow-empty'] : []), '-m', message]);
  }
  const commit = await g.raw(['rev-parse', 'HEAD']);
  await pushItemBranch(input.clone, input.branch, commit);
  // What the remote now has (no fetch needed: the push succeeded, so the remote's branch is this commit).
  await git(input.clone).raw(['update-ref', `refs/remotes/origin/${input.branch}`, commit]);
  return { commit, committed: dirty || empty };
}

/** The item's worktree and its local branch on this host go; the branch on the remote stays (its merge deletes it). */
export async function removeRemoteWorktree(workdir: string, input: RemoteWorktreeInput): Promise<void> {
  const clone = cacheClonePath(workdir, input.url);
  const worktreePath = remoteWorktreePath(workdir, input.url, input.epicId, input.itemId);
  if (!existsSync(clone)) return void (await rm(worktreePath, { recursive: true, force: true }));
  const removed = await git(clone).raw(['worktree', 'remove', '--force', worktreePath]).then(() => true, () => false);
  if (!removed) {
    await rm(worktreePath, { recursive: true, force: true });
    await git(clone).raw(['worktree', 'prune']);
  }
  // Absent already (a retry, or never made): nothing to delete.
  await git(clone).raw(['branch', '-D', itemBranch(input.epicId, input.itemId)]).catch(() => undefined);
}
