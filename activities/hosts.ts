/**
 * A worker host's own activities: the workdir it keeps its cache clones and item worktrees under, checked at start,
 * and "claim a host", run on the shared agents' queue (so whichever host has a free session slot picks it up),
 * which returns that host's own task queue once this host holds fewer items than its session limit.
 */
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { activityInfo, ApplicationFailure, heartbeat, sleep } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import type { AgentRunInput, AgentRunResult } from './agent/runner';
import { hostTaskQueue, type HostClaim } from '../common/hosts';
import { VALIDATION_ITEM_ID } from '../common/ids';
import { commitAndPush, prepareRemoteWorktree, removeRemoteWorktree, type RemoteWorktree, type RemoteWorktreeInput } from './remote-worktrees';
import { findRemoteItemMerge } from './remote-merge';
import { prepareRemoteInspection, removeRemoteInspection, type RemoteInspection, type RemoteInspectionInput } from './remote-inspection';

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

/** How long a claim waits for the item's first session without news from the item (a workflow that went away). */
const CLAIM_LEASE_MS = 60_000;

/**
 * The session slots of this host (in memory: a host that dies frees them with itself). At most `max` sessions run
 * at once: a session takes a slot when it starts (waiting for one if need be) and frees it when it ends, so an item
 * between sessions (committing, gating, waiting for its merge) leaves its slot to another. A claim is accepted while
 * the sessions running and the items claimed but not yet in their first session are fewer than `max + 1`: one item
 * prepares its worktree while the others' sessions run, so a slot that frees is used at once.
 */
export class HostSlots {
  private readonly sessions = new Set<string>();
  private readonly claims = new Map<string, number>();
  constructor(readonly max: number) {}

  private purge(): void {
    const now = Date.now();
    for (const [key, until] of this.claims) if (until < now) this.claims.delete(key);
  }

  /** A claim of this host for `key`, if the host can take one more item. */
  tryClaim(key: string): boolean {
    this.purge();
    if (this.claims.has(key) || this.sessions.has(key)) return true;
    if (this.sessions.size + this.claims.size >= this.max + 1) return false;
    this.claims.set(key, Date.now() + CLAIM_LEASE_MS);
    return true;
  }

  /** A session slot for `key`, if one is free. */
  tryStart(key: string): boolean {
    if (!this.sessions.has(key) && this.sessions.size >= this.max) return false;
    this.sessions.add(key);
    this.claims.delete(key);
    return true;
  }

  end(key: string): void {
    this.sessions.delete(key);
  }

  /** The item left this host (its worktree removed). */
  release(key: string): void {
    this.sessions.delete(key);
    this.claims.delete(key);
  }

  get running(): number {
    return this.sessions.size;
  }
}

export const slotKey = (epicId: string, itemId: string) => `${epicId}/${itemId}`;

/**
 * A claim this host cannot take within this long goes back to the shared queue (a retry any host may pick up),
 * so it does not wait here while another host has a free slot.
 */
const CLAIM_PATIENCE_MS = 250;
/** How often a waiting claim or session looks for a free slot (an in-memory check). */
const SLOT_POLL_MS = 50;

/** Waits (heartbeating, keeping any checkpoint of an earlier attempt) until `take()` succeeds, or `patience` ms. */
async function waitFor(take: () => boolean, patience = Infinity): Promise<boolean> {
  const until = Date.now() + patience;
  while (!take()) {
    if (Date.now() >= until) return false;
    heartbeat(activityInfo().heartbeatDetails);
    await sleep(SLOT_POLL_MS); // throws when the item is cancelled meanwhile
  }
  return true;
}

/** A session on the host's queue runs in a slot: at most `max` at once. */
export function slotted(slots: HostSlots, runAgent: (input: AgentRunInput) => Promise<AgentRunResult>) {
  return async (input: AgentRunInput): Promise<AgentRunResult> => {
    const key = slotKey(input.epicId, input.item.id);
    await waitFor(() => slots.tryStart(key));
    try {
      return await runAgent(input);
    } finally {
      slots.end(key);
    }
  };
}

export function createHostActivities(host: string, workdir: string, slots: HostSlots = new HostSlots(4)) {
  return {
    /**
     * Runs on the shared agents' queue: holds this host for the item when it can take one more at once;
     * otherwise the claim is retried at once, by whichever host polls it next.
     */
    async claimHost(input?: { epicId: string; itemId: string }): Promise<HostClaim> {
      const key = input ? slotKey(input.epicId, input.itemId) : `anonymous-${Date.now()}`;
      if (!(await waitFor(() => slots.tryClaim(key), CLAIM_PATIENCE_MS))) {
        // Benign: an expected hand-back, logged at debug level by the worker rather than as a failure.
        const message = `host ${host} has no free slot; another host may take the item`;
        throw ApplicationFailure.create({ type: 'HostFull', message, nextRetryDelay: '100ms', category: ApplicationFailureCategory.BENIGN });
      }
      return { host, taskQueue: hostTaskQueue(host), workdir };
    },
    /** On the host's own queue: the item's worktree from this host's cache clone of the remote. */
    async prepareRemoteWorktree(input: RemoteWorktreeInput): Promise<RemoteWorktree> {
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
    /** On the host's own queue: a validation round's inspection worktree, at the remote target's tip. */
    async prepareRemoteInspection(input: RemoteInspectionInput): Promise<RemoteInspection> {
      return prepareRemoteInspection(workdir, input);
    },
    /** The inspection worktree goes, and the validation's hold on this host with it. */
    async removeRemoteInspection(input: RemoteInspectionInput): Promise<void> {
      slots.release(slotKey(input.epicId, VALIDATION_ITEM_ID));
      await removeRemoteInspection(workdir, input);
    },
  };
}

export type HostActivities = ReturnType<typeof createHostActivities>;
