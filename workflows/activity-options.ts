/**
 * How workflows call activities: timeouts, heartbeats and retry policies in one place, derived from the plan's
 * settings. Git and gate work heartbeats (activities/index.ts), so a dead worker is noticed within the plan's
 * `heartbeatTimeout`; agent sessions have their own, and their own task queue.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
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

/**
 * The same activities as local activities (issue 15): run by the workflow's own worker inside its workflow task,
 * so a step costs no server round trip. Only for what every worker can do for a local plan (git on the plan's
 * repository path, the merge queue's signal, write-back); a worker that dies meanwhile fails the workflow task,
 * which runs again elsewhere and repeats the step (each is idempotent). Local activities cannot heartbeat: the
 * workflow task's own timeout notices a dead worker.
 */
export function localCoreActivities() {
  return proxyLocalActivities<CoreActivities>({
    startToCloseTimeout: '10m',
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
    retry: agentRetry(settings),
  });
}

/** How a session is retried (and resumed) after an API error or a crash, wherever it runs. */
export function agentRetry(settings: Pick<EpicSettings, 'agent'>) {
  return {
    initialInterval: parseDuration(settings.agent.retryInterval),
    backoffCoefficient: 2,
    maximumInterval: '5m',
    maximumAttempts: settings.agent.maxRetries + 1,
    nonRetryableErrorTypes: NON_RETRYABLE_AGENT_ERRORS,
  };
}

/** No attempt limit: a merge that cannot happen now (a locked ref, a full disk) must happen later, never be lost. */
const MERGE_RETRY = { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes: [...NON_RETRYABLE_GIT_ERRORS, 'BadMergeRequest'] };
/** Git work of a merge besides its gates: stacking, checking checkouts, publishing. */
const MERGE_GIT_MARGIN_MS = 10 * 60_000;

/**
 * The `mergeStack` activity of the merge queue. It runs the merge gates at most once, each bounded by `gateTimeout`
 * (a gate that times out is a `gate_failed` outcome), so its own limit derives from them (issue 11, point 2).
 */
export function mergeActivities(req: { mergeGates: string[]; gateTimeout: string; heartbeatTimeout?: string }) {
  return proxyActivities<CoreActivities>({
    taskQueue: TASK_QUEUE,
    startToCloseTimeout: parseDuration(req.gateTimeout) * req.mergeGates.length + MERGE_GIT_MARGIN_MS,
    heartbeatTimeout: req.heartbeatTimeout ? parseDuration(req.heartbeatTimeout) : '2m',
    retry: MERGE_RETRY,
  });
}

/** `mergeStack` of a local repository without merge gates, as a local activity (merge-queue/steps.ts). */
export function localMergeActivities() {
  return proxyLocalActivities<CoreActivities>({ startToCloseTimeout: MERGE_GIT_MARGIN_MS, retry: MERGE_RETRY });
}

/** `mergeBranch` as queues recorded before batches call it (replay of test/histories). */
export function legacyMergeActivities(heartbeatTimeout: string | undefined) {
  return proxyActivities<CoreActivities>({
    taskQueue: TASK_QUEUE,
    startToCloseTimeout: '30m',
    heartbeatTimeout: heartbeatTimeout ? parseDuration(heartbeatTimeout) : '2m',
    retry: MERGE_RETRY,
  });
}
