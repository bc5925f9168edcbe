/** Every activity, by task queue. Workflows import only the types (`import type`). */
import type { Client } from '@temporalio/client';
import { branchHasChanges, commitWorktree, findItemMerge, findMergedItems, prepareWorktree, removeWorktree } from './worktrees';
import { mergeBranch } from './merge';
import { runCommands } from './checks';
import { createQueueActivities } from './queue-client';
import { writeBack } from './sync';
import { createAgentRunner, type RunnerOptions } from './agent/runner';

/** Activities of the `overseer` task queue: git, gates, the merge queue, write-back. */
export function createCoreActivities(client: Client) {
  return {
    prepareWorktree,
    commitWorktree,
    branchHasChanges,
    removeWorktree,
    findItemMerge,
    findMergedItems,
    mergeBranch,
    runGates: runCommands,
    writeBack,
    ...createQueueActivities(client),
  };
}

/** Activities of the `overseer-agents` task queue: Claude Code sessions. */
export function createAgentActivities(options: RunnerOptions = {}) {
  return createAgentRunner(options);
}

export type CoreActivities = ReturnType<typeof createCoreActivities>;
export type AgentActivities = ReturnType<typeof createAgentActivities>;
