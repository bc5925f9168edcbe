/**
 * The production worker: two Temporal workers in one process (DESIGN §3).
 * - `overseer`: the workflows, git, gates, the merge queue and write-back;
 * - `overseer-agents`: Claude Code sessions, at most `maxSessions` at once (each is a process doing real work).
 */
import { hostname } from 'node:os';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { Tracing } from './tracing';
import { AGENT_TASK_QUEUE, TASK_QUEUE } from '../common/ids';
import { createAgentActivities, createCoreActivities } from '../activities/index';
import type { RunnerOptions } from '../activities/agent/runner';
import { UNTRACED_SINKS, workflowBundle } from './bundle';
import { defaultBuildId, deploymentOptions, ensureCurrentVersion } from './versioning';
import { registerBuiltInWriteBacks } from '../activities/sync-handlers';
import { createHostActivities, HostSlots, slotted } from '../activities/hosts';
import { hostAgentsTuner } from './claim-slots';
import { FREE_HOSTS_TASK_QUEUE, HOSTS_PRESENCE_TASK_QUEUE, hostIdentity, hostTaskQueue } from '../common/hosts';

export interface WorkerOptions {
  connection: NativeConnection;
  /** A client for the activities that talk to Temporal (signal-with-start of the merge queue). */
  client: Client;
  namespace: string;
  /** Concurrent agent sessions on this worker. */
  maxSessions?: number;
  /** Passed to every agent session (CLAUDE_CONFIG_DIR, ANTHROPIC_BASE_URL, ...). */
  runner?: RunnerOptions;
  /** How long running sessions may finish when the worker is asked to stop; then they are resumed elsewhere. */
  shutdownGraceTime?: string;
  identity?: string;
  /** Run only one of the two queues (scale them separately). */
  queues?: ('core' | 'agents')[];
  /** How soon workflow tasks cached on a dead worker move to a live one (SDK default 10s). */
  stickyQueueScheduleToStartTimeout?: string;
  /** This worker's version in the `overseer` Worker Deployment (default: package version + workflow hash). */
  buildId?: string;
  /** Another workflow bundle than this checkout's (tests of a rolling deploy). */
  workflowBundle?: WorkflowBundleOption;
  /** Make this build current when the deployment has none (default true; a rollout promotes by hand). */
  promoteIfNone?: boolean;
  /**
   * OpenTelemetry tracing (workers/tracing.ts startTracing), when it is on: every worker gets the activity
   * interceptors and the workflow span sink (with it off, the core worker drops the spans the bundle makes). The
   * client's interceptors are the caller's (it made the client).
   */
  tracing?: Pick<Tracing, 'worker'>;
  /** A worker host (`overseer worker --host`): it also polls its own queue `overseer-host/<name>`. */
  host?: { name: string; workdir: string };
}

export async function createWorkers(opts: WorkerOptions): Promise<Worker[]> {
  registerBuiltInWriteBacks();
  const queues = opts.queues ?? ['core', 'agents'];
  const identity = opts.identity ?? (opts.host ? hostIdentity(opts.host.name, process.pid, opts.maxSessions ?? 4) : `overseer@${hostname()}:${process.pid}`);
  const workers: Worker[] = [];
  const buildId = opts.buildId ?? defaultBuildId();
  const workerDeploymentOptions = deploymentOptions(buildId);
  // The items this host holds a session slot for: claims wait for one (activities/hosts.ts).
  const slots = new HostSlots(opts.maxSessions ?? 4);
  if (queues.includes('core')) {
    workers.push(
      await Worker.create({
        connection: opts.connection,
        namespace: opts.namespace,
        taskQueue: TASK_QUEUE,
        workflowBundle: opts.workflowBundle ?? (await workflowBundle()),
        workerDeploymentOptions,
        ...opts.tracing?.worker,
        sinks: opts.tracing?.worker.sinks ?? UNTRACED_SINKS,
        activities: createCoreActivities(opts.client, opts.host?.workdir),
        identity,
        maxCachedWorkflows: 200,
        stickyQueueScheduleToStartTimeout: opts.stickyQueueScheduleToStartTimeout ?? '10s',
        // Heartbeats reach the server within 2 s, so cancellations and checkpoints are never minutes late.
        maxHeartbeatThrottleInterval: '2s',
        shutdownGraceTime: opts.shutdownGraceTime ?? '10s',
      }),
    );
  }
  if (queues.includes('agents')) {
    workers.push(
      await Worker.create({
        connection: opts.connection,
        namespace: opts.namespace,
        taskQueue: AGENT_TASK_QUEUE,
        activities: { ...createAgentActivities(opts.runner), ...(opts.host && createHostActivities(opts.host.name, opts.host.workdir, slots)) },
        identity,
        workerDeploymentOptions,
        ...opts.tracing?.worker,
        // A host polls the shared queue (claims) only while it has room for one more item (workers/claim-slots.ts).
        ...(opts.host ? { tuner: hostAgentsTuner(slots, opts.maxSessions ?? 4) } : { maxConcurrentActivityTaskExecutions: opts.maxSessions ?? 4 }),
        maxHeartbeatThrottleInterval: '2s',
        shutdownGraceTime: opts.shutdownGraceTime ?? '10s',
      }),
    );
  }
  if (opts.host) workers.push(...(await createHostQueueWorkers(opts, identity, workerDeploymentOptions, slots)));
  if (opts.promoteIfNone !== false) {
    // The server knows the version once these workers poll (after run()), so this retries in the background,
    // for as long as the workers live.
    const live = () => workers.every((w) => ['INITIALIZED', 'RUNNING'].includes(w.getState()));
    ensureCurrentVersion(opts.client, opts.namespace, buildId, identity, 120_000, live).catch((err: Error) => console.warn(err.message));
  }
  return workers;
}

/**
 * A host's own queues: its own (every activity an item's worktree binds to it: git, gates, sessions), the free
 * hosts' queue (polled only while a session slot is free: items waiting on a busy host move here, see
 * workflows/item-host.ts) and the presence queue (always polled, so `overseer hosts` sees a busy host too).
 */
async function createHostQueueWorkers(opts: WorkerOptions, identity: string, workerDeploymentOptions: ReturnType<typeof deploymentOptions>, slots: HostSlots): Promise<Worker[]> {
  const { name, workdir } = opts.host!;
  const { claimFreeHost } = createHostActivities(name, workdir, slots);
  const common = { connection: opts.connection, namespace: opts.namespace, identity, workerDeploymentOptions, shutdownGraceTime: opts.shutdownGraceTime ?? '10s' };
  return Promise.all([
    createOwnQueueWorker(opts, identity, workerDeploymentOptions, slots),
    Worker.create({ ...common, ...opts.tracing?.worker, taskQueue: FREE_HOSTS_TASK_QUEUE, activities: { claimFreeHost }, tuner: hostAgentsTuner(slots, 1, 0) }),
    Worker.create({ ...common, taskQueue: HOSTS_PRESENCE_TASK_QUEUE, activities: { hostPresent: async () => name }, maxConcurrentActivityTaskExecutions: 1 }),
  ]);
}

async function createOwnQueueWorker(opts: WorkerOptions, identity: string, workerDeploymentOptions: ReturnType<typeof deploymentOptions>, slots: HostSlots): Promise<Worker> {
  const { name, workdir } = opts.host!;
  const { runAgent } = createAgentActivities(opts.runner);
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: hostTaskQueue(name),
    activities: {
      ...createCoreActivities(opts.client, workdir),
      ...createHostActivities(name, workdir, slots),
      // At most --max-sessions sessions at once on this host (activities/hosts.ts).
      runAgent: slotted(slots, runAgent),
    },
    identity,
    workerDeploymentOptions,
    ...opts.tracing?.worker,
    // Sessions, the git and gate steps of items between sessions, and an item waiting for a slot (or leaving).
    maxConcurrentActivityTaskExecutions: (opts.maxSessions ?? 4) * 2 + 2,
    maxHeartbeatThrottleInterval: '2s',
    shutdownGraceTime: opts.shutdownGraceTime ?? '10s',
  });
}

/** Runs the workers until they are shut down (SIGINT/SIGTERM are handled by the SDK's runtime). */
export async function runWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.run()));
}
