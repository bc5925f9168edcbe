/**
 * Activities pinned to a worker host (issue 12; Temporal's worker-specific task queue pattern): the item's
 * worktree lives on one host, so everything bound to it goes to that host's own queue. Nobody else polls that
 * queue, so a dead host is noticed by time: a task nobody starts within `hostTimeout` (schedule-to-start, each
 * attempt), a running one that stops heartbeating, and a schedule-to-close bound over all attempts. The item then
 * claims another host (item-host.ts).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { AgentActivities, CoreActivities } from '../activities/index';
import type { HostActivities } from '../activities/hosts';
import { parseDuration } from '../common/durations';
import { AGENT_TASK_QUEUE } from '../common/ids';
import { FREE_HOSTS_TASK_QUEUE } from '../common/hosts';
import type { EpicSettings } from '../common/plan';
import { agentRetry, NON_RETRYABLE_GIT_ERRORS } from './activity-options';

type Settings = Pick<EpicSettings, 'heartbeatTimeout' | 'gateTimeout' | 'gates' | 'mergeGates' | 'agent'>;

/** How long a task on a host's queue may wait for that host before the host counts as gone. */
export function hostTimeout(settings: Pick<EpicSettings, 'heartbeatTimeout'>): number {
  return Math.max(10_000, 2 * parseDuration(settings.heartbeatTimeout));
}

/** Runs on the shared agents' queue: whichever host has a free session slot answers with its own queue. */
export function claimActivities(settings: Pick<EpicSettings, 'heartbeatTimeout'>) {
  return proxyActivities<HostActivities>({
    taskQueue: AGENT_TASK_QUEUE,
    startToCloseTimeout: '7d', // it waits for a free slot, heartbeating
    heartbeatTimeout: parseDuration(settings.heartbeatTimeout),
    retry: { initialInterval: '1s', maximumInterval: '30s' },
  });
}

/** Runs on the free hosts' queue: a host with a free session slot answers, whenever one has (it waits on the server). */
export function freeHostActivities() {
  return proxyActivities<HostActivities>({
    taskQueue: FREE_HOSTS_TASK_QUEUE,
    startToCloseTimeout: '1m',
    retry: { initialInterval: '100ms', maximumInterval: '1s' },
  });
}

export function hostActivities(settings: Settings, taskQueue: string) {
  const scheduleToStartTimeout = hostTimeout(settings);
  const heartbeatTimeout = parseDuration(settings.heartbeatTimeout);
  const git = proxyActivities<CoreActivities & HostActivities>({
    taskQueue,
    scheduleToStartTimeout,
    startToCloseTimeout: '10m',
    scheduleToCloseTimeout: '1h',
    heartbeatTimeout,
    retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_GIT_ERRORS },
  });
  const gateMs = parseDuration(settings.gateTimeout) * Math.max(1, settings.gates.length + settings.mergeGates.length) + 60_000;
  const gates = proxyActivities<CoreActivities>({
    taskQueue,
    scheduleToStartTimeout,
    startToCloseTimeout: gateMs,
    scheduleToCloseTimeout: 3 * gateMs + 3 * scheduleToStartTimeout,
    heartbeatTimeout,
    retry: { maximumAttempts: 3 },
  });
  const sessionMs = parseDuration(settings.agent.sessionTimeout);
  const agent = proxyActivities<AgentActivities>({
    taskQueue,
    scheduleToStartTimeout,
    startToCloseTimeout: sessionMs,
    heartbeatTimeout: parseDuration(settings.agent.heartbeatTimeout),
    retry: agentRetry(settings),
  });
  // An item claimed ahead of its session waits for a slot there (as long as a session may take), heartbeating.
  const slot = proxyActivities<HostActivities>({ taskQueue, scheduleToStartTimeout, startToCloseTimeout: sessionMs, heartbeatTimeout, retry: { maximumAttempts: 1 } });
  return { git, gates, agent, slot };
}

export type HostProxies = ReturnType<typeof hostActivities>;
