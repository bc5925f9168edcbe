/**
 * A worker host's own activities: the workdir it keeps its cache clones and item worktrees under, checked at start,
 * and "claim a host", run on the shared agents' queue (so whichever host has a free session slot picks it up),
 * which returns that host's own task queue.
 */
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostTaskQueue, type HostClaim } from '../common/hosts';
import { commitAndPush, prepareRemoteWorktree, type RemoteWorktree, type RemoteWorktreeInput } from './remote-worktrees';

export const DEFAULT_WORKDIR = path.join(os.homedir(), '.overseer', 'work');

/** Makes the workdir if needed and proves this host can write there; throws a message naming the folder. */
export function checkWorkdir(dir: string): string {
  const abs = path.resolve(dir);
  try {
    mkdirSync(abs, { recursive: true });
    accessSync(abs, constants.W_OK);
    const probe = path.join(abs, `.overseer-probe-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`workdir ${abs}: this host cannot write there (${e.code ?? e.message}); give another one with --workdir`);
  }
  return abs;
}

/** Where a host keeps its clone of a remote and the worktrees made from it. */
export function hostPaths(workdir: string): { cache: string; worktrees: string } {
  return { cache: path.join(workdir, 'cache'), worktrees: path.join(workdir, 'worktrees') };
}

export function createHostActivities(host: string, workdir: string) {
  return {
    /** Runs on the shared agents' queue; the host that picks it up will hold the item's worktree. */
    async claimHost(): Promise<HostClaim> {
      return { host, taskQueue: hostTaskQueue(host), workdir };
    },
    /** On the host's own queue: the item's worktree from this host's cache clone of the remote. */
    async prepareRemoteWorktree(input: RemoteWorktreeInput): Promise<RemoteWorktree> {
      return prepareRemoteWorktree(workdir, input);
    },
    commitAndPush,
  };
}
