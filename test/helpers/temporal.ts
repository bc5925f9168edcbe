/** A real Temporal dev server (the CLI found like production finds it) and Overseer's workers, for tests. */
import { after, before } from 'node:test';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { createWorkers, type WorkerOptions } from '../../workers/worker';
import { devServerExecutable, findTemporalCli } from '../../workers/temporal-cli';
import { devServerArgs } from '../../workers/dev-server-config';
import { SEARCH_ATTRIBUTES } from '../../common/search-attributes';
import type { RunnerOptions } from '../../activities/agent/runner';

let runtimeReady = false;

/** Worker logs at WARN and above only: failures the tests provoke on purpose are expected noise. */
function quietRuntime(): void {
  if (runtimeReady) return;
  runtimeReady = true;
  try {
    Runtime.install({ logger: new DefaultLogger((process.env.OVERSEER_TEST_LOG ?? 'ERROR') as 'ERROR') });
  } catch {
    /* already installed by this process */
  }
}

/** `ip`: the address the server listens on (default loopback), e.g. a bridge that test network namespaces reach. */
export async function startTestEnv(extraArgs: string[] = [], ip?: string): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: devServerExecutable(findTemporalCli()),
      searchAttributes: SEARCH_ATTRIBUTES,
      extraArgs: [...devServerArgs(), ...extraArgs],
      ...(ip && { ip }),
    },
  });
}

export interface RunningWorkers {
  workers: Worker[];
  stop(): Promise<void>;
}

export async function startWorkers(
  env: TestWorkflowEnvironment,
  opts: { runner?: RunnerOptions; maxSessions?: number; queues?: ('core' | 'agents')[] } & Pick<WorkerOptions, 'buildId' | 'workflowBundle' | 'promoteIfNone'> = {},
): Promise<RunningWorkers> {
  const workers = await createWorkers({
    connection: env.nativeConnection,
    client: env.client,
    namespace: env.namespace ?? 'default',
    maxSessions: opts.maxSessions ?? 4,
    runner: { killGraceMs: 1000, heartbeatEveryMs: 1000, ...opts.runner },
    shutdownGraceTime: '1s',
    queues: opts.queues,
    buildId: opts.buildId,
    workflowBundle: opts.workflowBundle,
    promoteIfNone: opts.promoteIfNone,
  });
  const running = Promise.all(workers.map((w) => w.run()));
  return {
    workers,
    async stop() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await running;
    },
  };
}

/**
 * One dev server and one set of in-process workers for a whole test file: registers the before/after hooks and
 * hands the environment to `ready`.
 */
export function useTemporal(
  ready: (env: TestWorkflowEnvironment) => void,
  opts: { serverArgs?: string[]; workers?: Parameters<typeof startWorkers>[1] } = {},
): void {
  let env: TestWorkflowEnvironment | undefined;
  let workers: RunningWorkers | undefined;
  before(async () => {
    env = await startTestEnv(opts.serverArgs);
    workers = await startWorkers(env, opts.workers);
    ready(env);
  });
  after(async () => {
    await workers?.stop();
    await env?.teardown();
  });
}

/** Every run of `workflowId` the server lists (one more after each continue-as-new), as visibility has them. */
export async function workflowRuns(env: TestWorkflowEnvironment, workflowId: string): Promise<WorkflowExecutionInfo[]> {
  const runs: WorkflowExecutionInfo[] = [];
  for await (const run of env.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push(run);
  return runs;
}

export async function runCount(env: TestWorkflowEnvironment, workflowId: string): Promise<number> {
  return (await workflowRuns(env, workflowId)).length;
}
