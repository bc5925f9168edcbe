/** Every activity, by task queue. Workflows import only the types (`import type`). */
import type { Client } from '@temporalio/client';
import { activityInfo, heartbeat } from '@temporalio/activity';
import { branchHasChanges, commitWorktree, findItemMerge, findMergedItems, prepareInspectionWorktree, prepareWorktree, removeWorktree } from './worktrees';
import { mergeBranch, mergeStack } from './merge';
import { runCommands } from './checks';
import { councilPromptsCommit, remoteCouncilPromptsCommit } from './role-prompts';
import { createQueueActivities } from './queue-client';
import { writeBack } from './sync';
import { createAgentRunner, type RunnerOptions } from './agent/runner';
import { measuredGates, measuredSession } from './metrics';
import { DEFAULT_WORKDIR } from './hosts';
import { findRemoteMergedItems, mergeRemoteStack } from './remote-merge';
import type { StackInput } from '../common/merge';
import { createEpicWatchActivities } from './epic-watch';

/**
 * Keeps an activity heartbeating while it runs, so a worker that dies in the middle of git work is noticed within
 * the plan's `heartbeatTimeout` instead of the (long) start-to-close timeout, and the work is retried elsewhere.
 */
function alive<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    if (isLocalActivity()) return fn(...args); // a local activity cannot heartbeat (the workflow task covers it)
    const timer = setInterval(() => {
      try {
        heartbeat();
      } catch {
        /* not in an activity (direct call from a test) */
      }
    }, 1000);
    try {
      return await fn(...args);
    } finally {
      clearInterval(timer);
    }
  };
}

function isLocalActivity(): boolean {
  try {
    return activityInfo().isLocal;
  } catch {
    return false; // not in an activity (direct call from a test)
  }
}

/**
 * Activities of the `overseer` task queue: git, gates, the merge queue, write-back. `workdir`: where this worker
 * keeps its mirrors of git remotes, on which the merge queue of a remote merges (issue 12).
 */
export function createCoreActivities(client: Client, workdir: string = DEFAULT_WORKDIR) {
  const queue = createQueueActivities(client);
  const watch = createEpicWatchActivities(client);
  return {
    mergeRemoteStack: alive((input: StackInput) => mergeRemoteStack(workdir, input)),
    findRemoteMergedItems: alive((input: { url: string; targetBranch: string; epicId: string }) => findRemoteMergedItems(workdir, input)),
    prepareWorktree: alive(prepareWorktree),
    prepareInspectionWorktree: alive(prepareInspectionWorktree),
    commitWorktree: alive(commitWorktree),
    branchHasChanges: alive(branchHasChanges),
    removeWorktree: alive(removeWorktree),
    findItemMerge: alive(findItemMerge),
    findMergedItems: alive(findMergedItems),
    mergeBranch: alive(mergeBranch),
    mergeStack: alive(mergeStack),
    runGates: measuredGates(alive(runCommands)),
    writeBack: alive(writeBack),
    enqueueMerge: alive(queue.enqueueMerge),
    awaitEpicEnd: alive(watch.awaitEpicEnd),
    councilPromptsCommit: alive(councilPromptsCommit),
    remoteCouncilPromptsCommit: alive((input: { url: string; targetBranch: string }) => remoteCouncilPromptsCommit(workdir, input)),
  };
}

/** Activities of the `overseer-agents` task queue: Claude Code sessions. */
export function createAgentActivities(options: RunnerOptions = {}) {
  const { runAgent } = createAgentRunner(options);
  return { runAgent: measuredSession(runAgent) };
}

export type CoreActivities = ReturnType<typeof createCoreActivities>;
export type AgentActivities = ReturnType<typeof createAgentActivities>;
