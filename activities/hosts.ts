/**
 * A worker host's own activities: the workdir it keeps its cache clones and item worktrees under, checked at start,
 * and "claim a host", run on the shared agents' queue (so whichever host has a free session slot picks it up),
 * which returns that host's own task queue once this host holds fewer items than its session limit.
 */
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { heartbeat, sleep } from '@temporalio/activity';
import { hostTaskQueue, type HostClaim } from '../common/hosts';
import { commitAndPush, prepareRemoteWorktree, removeRemoteWorktree, type RemoteWorktree, type RemoteWorktreeInput } from './remote-worktrees';
import { findRemoteItemMerge } from './remote-merge';

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

/** How long a claim or a finished session holds its slot without news from the item (a workflow that went away). */
const LEASE_MS = 60_000;

/**
 * The items this host holds a session slot for (in memory: a host that dies frees them with itself). An item holds
 * its slot from its claim until it waits for its merge (`releaseHost`) or a minute after its last session.
 */
export class HostSlots {
  private readonly held = new Map<string, number>();
  constructor(readonly max: number) {}

  private purge(): void {
    const now = Date.now();
    for (const [key, until] of this.held) if (until < now) this.held.delete(key);
  }

  /** Takes a slot for `key` if one is free (or `key` holds one already). */
  tryTake(key: string): boolean {
    this.purge();
    if (!this.held.has(key) && this.held.size >= this.max) return false;
    this.held.set(key, Date.now() + LEASE_MS);
    return true;
  }

  /** The item is busy here (a session runs, `forMs` at most): its slot stays taken, whatever the limit. */
  touch(key: string, forMs = LEASE_MS): void {
    this.held.set(key, Date.now() + forMs);
  }

  release(key: string): void {
    this.held.delete(key);
  }

  get size(): number {
    this.purge();
    return this.held.size;
  }
}

export const slotKey = (epicId: string, itemId: string) => `${epicId}/${itemId}`;

export function createHostActivities(host: string, workdir: string, slots: HostSlots = new HostSlots(4)) {
  return {
    /** Runs on the shared agents' queue; waits (heartbeating) for a free slot; this host then holds the item. */
    async claimHost(input?: { epicId: string; itemId: string }): Promise<HostClaim> {
      const key = input ? slotKey(input.epicId, input.itemId) : `anonymous-${Date.now()}`;
      while (!slots.tryTake(key)) {
        heartbeat();
        await sleep(250); // throws when the item is cancelled meanwhile
      }
      return { host, taskQueue: hostTaskQueue(host), workdir };
    },
    /** On the host's own queue: the item no longer needs a session slot here (it waits for its merge, or ended). */
    async releaseHost(input: { epicId: string; itemId: string }): Promise<void> {
      slots.release(slotKey(input.epicId, input.itemId));
    },
    /** On the host's own queue: the item's worktree from this host's cache clone of the remote. */
    async prepareRemoteWorktree(input: RemoteWorktreeInput): Promise<RemoteWorktree> {
      slots.touch(slotKey(input.epicId, input.itemId));
      return prepareRemoteWorktree(workdir, input);
    },
    async findRemoteItemMerge(input: RemoteWorktreeInput): Promise<string | undefined> {
      return findRemoteItemMerge(workdir, input);
    },
    async removeRemoteWorktree(input: RemoteWorktreeInput): Promise<void> {
      slots.release(slotKey(input.epicId, input.itemId));
      await removeRemoteWorktree(workdir, input);
    },
    commitAndPush,
  };
}

export type HostActivities = ReturnType<typeof createHostActivities>;
