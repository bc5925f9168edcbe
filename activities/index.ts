/** Every activity, by task queue. Workflows import only the types (`import type`). */
import type { Client } from '@temporalio/client';
import { heartbeat } from '@temporalio/activity';
import { branchHasChanges, commitWorktree, findItemMerge, findMergedItems, prepareInspectionWorktree, prepareWorktree, removeWorktree } from './worktrees';
import { mergeBranch, mergeStack } from './merge';
import { runCommands } from './checks';
import { councilPromptsCommit } from './role-prompts';
import { createQueueActivities } from './queue-client';
import { writeBack } from './sync';
import { createAgentRunner, type RunnerOptions } from './agent/runner';

/**
 * Keeps an activity heartbeating while it runs, so a worker that dies in the middle of git work is noticed within
 * the plan's `heartbeatTimeout` instead of the (long) start-to-close timeout, and the work is retried elsewhere.
 */
function alive<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
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

/** Activities of the `overseer` task queue: git, gates, the merge queue, write-back. */
export function createCoreActivities(client: Client) {
  const queue = createQueueActivities(client);
  return {
    prepareWorktree: alive(prepareWorktree),
    prepareInspectionWorktree: alive(prepareInspectionWorktree),
    commitWorktree: alive(commitWorktree),
    branchHasChanges: alive(branchHasChanges),
    removeWorktree: alive(removeWorktree),
    findItemMerge: alive(findItemMerge),
    findMergedItems: alive(findMergedItems),
    mergeBranch: alive(mergeBranch),
    mergeStack: alive(mergeStack),
    runGates: alive(runCommands),
    writeBack: alive(writeBack),
    enqueueMerge: alive(queue.enqueueMerge),
    councilPromptsCommit: alive(councilPromptsCommit),
  };
}

/** Activities of the `overseer-agents` task queue: Claude Code sessions. */
export function createAgentActivities(options: RunnerOptions = {}) {
  return createAgentRunner(options);
}

export type CoreActivities = ReturnType<typeof createCoreActivities>;
export type AgentActivities = ReturnType<typeof createAgentActivities>;
