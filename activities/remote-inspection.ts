/**
 * The inspection worktree of a validation round on a git remote (issue 12): made on a worker host from its cache
 * clone of the remote, at the remote's target tip fetched just now, detached (the product manager looks, it does
 * not commit). Kept apart from item worktrees (`<workdir>/inspect/...`), so no item id can collide with it.
 * Idempotent: a retry replaces what an earlier attempt left.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { safeComponent } from '../common/ids';
import { displayUrl } from '../common/remote-url';
import { git, revParse } from './git-repo';
import { cacheClonePath, ensureCacheClone, remoteKey } from './remote-git';

export interface RemoteInspectionInput {
  url: string;
  epicId: string;
  /** The worktree's name, e.g. `_validation-1` (one per round). */
  name: string;
  targetBranch: string;
}

export interface RemoteInspection {
  /** The host's cache clone (the session's repository: transcripts and council prompts are read there). */
  clone: string;
  worktreePath: string;
  /** The remote target's tip the worktree shows. */
  commit: string;
}

export function inspectionWorktreePath(workdir: string, url: string, epicId: string, name: string): string {
  return path.join(workdir, 'inspect', remoteKey(url), safeComponent(epicId), safeComponent(name));
}

async function dropWorktree(clone: string, worktreePath: string): Promise<void> {
  if (existsSync(clone)) await git(clone).raw(['worktree', 'remove', '--force', worktreePath]).catch(() => undefined);
  await rm(worktreePath, { recursive: true, force: true });
  if (existsSync(clone)) await git(clone).raw(['worktree', 'prune']);
}

/** A fresh detached worktree at the remote target's tip as fetched now. */
export async function prepareRemoteInspection(workdir: string, input: RemoteInspectionInput): Promise<RemoteInspection> {
  const clone = await ensureCacheClone(workdir, input.url);
  const commit = await revParse(clone, `refs/remotes/origin/${input.targetBranch}`);
  if (!commit) throw ApplicationFailure.nonRetryable(`branch "${input.targetBranch}" does not exist on ${displayUrl(input.url)}`, 'BranchNotFound');
  // `<target>` in the worktree is the remote's (the session is told to look at it by name), as item worktrees have it.
  await git(clone).raw(['update-ref', `refs/heads/${input.targetBranch}`, commit]);
  const worktreePath = inspectionWorktreePath(workdir, input.url, input.epicId, input.name);
  await dropWorktree(clone, worktreePath);
  await mkdir(path.dirname(worktreePath), { recursive: true });
  await git(clone).raw(['worktree', 'add', '--quiet', '--detach', worktreePath, commit]);
  return { clone, worktreePath, commit };
}

/** The inspection worktree goes (and its epic's folder, once empty). */
export async function removeRemoteInspection(workdir: string, input: RemoteInspectionInput): Promise<void> {
  const worktreePath = inspectionWorktreePath(workdir, input.url, input.epicId, input.name);
  await dropWorktree(cacheClonePath(workdir, input.url), worktreePath);
  await rmdir(path.dirname(worktreePath)).catch(() => undefined);
}
