/**
 * How workflows call activities: timeouts, heartbeats and retry policies in one place, derived from the plan's
 * settings. Git and gate work heartbeats (activities/index.ts), so a dead worker is noticed within the plan's
 * `heartbeatTimeout`; agent sessions have their own, and their own task queue.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { AgentActivities, CoreActivities } from '../activities/index';
import { NON_RETRYABLE_AGENT_ERRORS } from '../common/agent-errors';
import { parseDuration } from '../common/durations';
import { AGENT_TASK_QUEUE, TASK_QUEUE } from '../common/ids';
import type { EpicSettings } from '../common/plan';

/** Bad input that retrying cannot fix. */
export const NON_RETRYABLE_GIT_ERRORS = ['NotAGitRepo', 'RepoNotFound', 'BranchNotFound'];

/** Git, write-back and merge-queue activities on the `overseer` task queue. */
export function coreActivities(settings: Pick<EpicSettings, 'heartbeatTimeout'>, startToCloseTimeout: string = '10m') {
  return proxyActivities<CoreActivities>({
    taskQueue: TASK_QUEUE,
    startToCloseTimeout,
    heartbeatTimeout: parseDuration(settings.heartbeatTimeout),
    retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_GIT_ERRORS },
  });
}

/** Gate commands: each may take up to `gateTimeout`; a failing gate is an answer, not an error, so few retries. */
export function gateActivities(settings: Pick<EpicSettings, 'heartbeatTimeout' | 'gateTimeout' | 'gates' | 'mergeGates'>) {
  return proxyActivities<CoreActivities>({
    taskQueue: TASK_QUEUE,
    startToCloseTimeout: parseDuration(settings.gateTimeout) * Math.max(1, settings.gates.length + settings.mergeGates.length) + 60_000,
    heartbeatTimeout: parseDuration(settings.heartbeatTimeout),
    retry: { maximumAttempts: 3 },
  });
}

/** Claude Code sessions on the `overseer-agents` task queue: retried (and resumed) on API errors and crashes. */
export function agentActivities(settings: Pick<EpicSettings, 'agent'>) {
  return proxyActivities<AgentActivities>({
    taskQueue: AGENT_TASK_QUEUE,
    startToCloseTimeout: parseDuration(settings.agent.sessionTimeout),
    heartbeatTimeout: parseDuration(settings.agent.heartbeatTimeout),
    retry: {
      initialInterval: parseDuration(settings.agent.retryInterval),
      backoffCoefficient: 2,
      maximumInterval: '5m',
      maximumAttempts: settings.agent.maxRetries + 1,
      nonRetryableErrorTypes: NON_RETRYABLE_AGENT_ERRORS,
    },
  });
}
