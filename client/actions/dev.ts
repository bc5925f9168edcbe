/** `overseer dev` (dev server + worker) and `overseer worker`. */
import path from 'node:path';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { startDev } from '../../workers/dev';
import { createWorkers, runWorkers } from '../../workers/worker';
import { connectConfig } from '../connection';
import { TASK_QUEUE, AGENT_TASK_QUEUE } from '../../common/ids';
import { checkAgentCommand, formatAgentCheck } from '../agent-check';
import { rememberDevServer } from '../dev-state';
import { serveDashboard } from './dashboard';
import { installRuntime } from '../../workers/telemetry';
import { startTracing } from '../../workers/tracing';
import { defaultBuildId, DEPLOYMENT_NAME } from '../../workers/versioning';
import { hostname } from 'node:os';
import { checkWorkdir } from '../../activities/hosts';
import { HOST_NAME_PATTERN, hostTaskQueue } from '../../common/hosts';
import { UserError } from '../errors';

function runnerEnv(): Record<string, string> | undefined {
  return process.env.OVERSEER_CLAUDE_CONFIG_DIR ? { CLAUDE_CONFIG_DIR: process.env.OVERSEER_CLAUDE_CONFIG_DIR } : undefined;
}

/** A worker says at start whether the agent command is there (plans may name another one; this is the default). */
async function announceAgent(command: string): Promise<void> {
  const check = await checkAgentCommand(command);
  (check.problem ? console.warn : console.log)(`${check.problem ? 'warning: ' : ''}${formatAgentCheck(check)}`);
}

const portOf = (p: string | undefined): number | undefined => (p === undefined ? undefined : Number(p));

export async function devCommand(opts: { port: string; uiPort: string; db: string; maxSessions: string; dashboardPort: string; buildId?: string; metricsPort?: string; worker?: boolean }): Promise<void> {
  const dev = await startDev({
    worker: opts.worker !== false,
    buildId: opts.buildId,
    metricsPort: portOf(opts.metricsPort),
    port: Number(opts.port),
    uiPort: Number(opts.uiPort),
    db: opts.db,
    maxSessions: Number(opts.maxSessions),
    runner: { env: runnerEnv() },
  });
  rememberDevServer(dev.address, dev.uiUrl);
  console.log(`Temporal dev server on ${dev.address} (state in ${path.resolve(opts.db)})`);
  console.log(`Web UI: ${dev.uiUrl}`);
  console.log('In other shells:');
  console.log(`  export TEMPORAL_ADDRESS=${dev.address}`);
  console.log(`  export OVERSEER_UI_URL=${dev.uiUrl}`);
  await announceAgent('claude');
  const dashboard = await serveDashboard({ client: dev.env.client, namespace: 'default', port: Number(opts.dashboardPort), uiBase: dev.uiUrl }).catch((err: Error) => {
    console.warn(`the dashboard did not start (${err.message}); the dev server and worker run without it`);
    return undefined;
  });
  if (opts.worker === false) console.log('No worker here (--no-worker): start them with `overseer worker --host <name>`. Ctrl-C to stop.');
  else console.log(`Overseer worker polling task queues ${TASK_QUEUE} and ${AGENT_TASK_QUEUE}. Ctrl-C to stop.`);
  await dev.done;
  await dashboard?.close();
  console.log(`${opts.worker === false ? 'stopping' : 'worker stopped; stopping'} the dev server`);
  await dev.stop();
}

export interface WorkerCommandOptions {
  maxSessions: string;
  queues: string;
  shutdownGrace: string;
  agentCommand: string;
  buildId?: string;
  metricsPort?: string;
  metricsHost?: string;
  promote?: boolean;
  host?: string;
  workdir: string;
}

/** The host's name (`--host`, else the machine's hostname) and its workdir, checked before anything connects. */
function workerHost(opts: { host?: string; workdir: string }): { name: string; workdir: string } {
  const name = opts.host ?? hostname().split('.')[0].replace(/[^A-Za-z0-9._-]/g, '-');
  if (!HOST_NAME_PATTERN.test(name)) throw new UserError(`--host ${JSON.stringify(name)}: a host name is letters, digits, ".", "_" and "-"`);
  try {
    return { name, workdir: checkWorkdir(opts.workdir) };
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

export async function workerCommand(opts: WorkerCommandOptions): Promise<void> {
  const host = workerHost(opts);
  installRuntime({ metricsPort: portOf(opts.metricsPort), metricsHost: opts.metricsHost });
  const cfg = connectConfig();
  const connection = await NativeConnection.connect(cfg.options as NativeConnectionOptions).catch((err: Error) => {
    throw new Error(`cannot reach the Temporal server at ${cfg.address} (${err.message.split('\n')[0]}). Start one with \`overseer dev\`, or set TEMPORAL_ADDRESS.`);
  });
  const buildId = opts.buildId ?? (process.env.OVERSEER_BUILD_ID || defaultBuildId());
  // Tracing (OTEL_EXPORTER_OTLP_ENDPOINT): the activities' client traces what it starts and signals, too.
  const tracing = await startTracing({ serviceName: 'overseer-worker', serviceVersion: buildId });
  const client = new Client({ connection, namespace: cfg.namespace, interceptors: tracing?.client });
  const queues = String(opts.queues).split(',').map((q) => q.trim()) as ('core' | 'agents')[];
  if (queues.includes('agents')) await announceAgent(opts.agentCommand);
  const workers = await createWorkers({
    connection,
    client,
    namespace: cfg.namespace,
    maxSessions: Number(opts.maxSessions),
    queues,
    shutdownGraceTime: opts.shutdownGrace,
    runner: { env: runnerEnv() },
    buildId,
    promoteIfNone: opts.promote !== false,
    tracing,
    host,
  });
  console.log(`Overseer worker host ${host.name} (workdir ${host.workdir}, queue ${hostTaskQueue(host.name)}) connected to ${cfg.address} (namespace ${cfg.namespace}), deployment ${DEPLOYMENT_NAME} build ${buildId}; Ctrl-C to stop.`);
  if (opts.metricsPort !== undefined) console.log(`Metrics: http://${opts.metricsHost}:${opts.metricsPort}/metrics`);
  if (tracing) console.log(`Tracing: spans of workflows and activities to ${process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || `${process.env.OTEL_EXPORTER_OTLP_ENDPOINT!.replace(/\/$/, '')}/v1/traces`}`);
  try {
    await runWorkers(workers);
  } finally {
    // The workers have stopped (SIGINT/SIGTERM): the last spans leave before the process does.
    await tracing?.shutdown().catch((err: Error) => console.warn(`tracing: the last spans were not exported (${err.message})`));
  }
  await connection.close();
}
