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
import { HostSlots } from './host-slots';

export { HostSlots };

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

export const slotKey = (epicId: string, itemId: string) => `${epicId}/${itemId}`;

/**
 * A claim this host cannot take within this long goes back to the shared queue (a retry any host may pick up),
 * so it does not wait here while another host has a free slot.
 */
const CLAIM_PATIENCE_MS = 250;
/** How long a host holds a claim for an item moving to it from a busy host, should the item not come. */
const MOVE_LEASE_MS = 10_000;
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
      let prefetched = false;
      if (!(await waitFor(() => ((prefetched = slots.full), slots.tryClaim(key)), CLAIM_PATIENCE_MS))) {
        // Benign: an expected hand-back, logged at debug level by the worker rather than as a failure.
        const message = `host ${host} has no free slot; another host may take the item`;
        throw ApplicationFailure.create({ type: 'HostFull', message, nextRetryDelay: '100ms', category: ApplicationFailureCategory.BENIGN });
      }
      return { host, taskQueue: hostTaskQueue(host), workdir, ...(prefetched ? { prefetched } : {}) };
    },
    /**
     * Runs on the free hosts' queue, which a host polls only while a session slot is free: a claim for an item whose
     * first session waits on a busy host. Held briefly (the item moves here and prepares at once, or lets it lapse).
     */
    async claimFreeHost(input: { epicId: string; itemId: string }): Promise<HostClaim> {
      const key = slotKey(input.epicId, input.itemId);
      if (!(await waitFor(() => slots.tryClaim(key, { freeSlotOnly: true, leaseMs: MOVE_LEASE_MS }), CLAIM_PATIENCE_MS))) {
        throw ApplicationFailure.create({ type: 'HostFull', message: `host ${host} has no free session slot`, nextRetryDelay: '100ms', category: ApplicationFailureCategory.BENIGN });
      }
      return { host, taskQueue: hostTaskQueue(host), workdir };
    },
    /**
     * On the host's own queue: an item claimed ahead of its session waits here for a session slot, and keeps it for
     * the session that follows (its claim renewed meanwhile).
     */
    async awaitSessionSlot(input: RemoteWorktreeInput): Promise<void> {
      const key = slotKey(input.epicId, input.itemId);
      await waitFor(() => {
        // The item moved to another host meanwhile (its claim here released): this wait is over.
        if (!slots.holds(key)) throw ApplicationFailure.nonRetryable(`item ${input.itemId} left host ${host}`, 'ItemLeftHost');
        slots.renew(key);
        return slots.tryStart(key);
      });
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
