/** `overseer dev` and `overseer worker`. */
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { NativeConnection } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { startDev } from '../../workers/dev';
import { createWorkers, runWorkers } from '../../workers/worker';
import { connectConfig } from '../connection';
import { TASK_QUEUE, AGENT_TASK_QUEUE } from '../../common/ids';
import { DEFAULT_DASHBOARD_PORT, serveDashboard } from './dashboard';
import { installRuntime, tracingOptions } from '../../workers/telemetry';
import { defaultBuildId, DEPLOYMENT_NAME } from '../../workers/versioning';

export const DEFAULT_DB = path.join(os.homedir(), '.overseer', 'temporal-dev.db');

function runnerEnv(): Record<string, string> | undefined {
  return process.env.OVERSEER_CLAUDE_CONFIG_DIR ? { CLAUDE_CONFIG_DIR: process.env.OVERSEER_CLAUDE_CONFIG_DIR } : undefined;
}

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('start the Temporal dev server (SQLite file, Web UI) and an Overseer worker; Ctrl-C stops both')
    .option('--port <port>', 'gRPC port of the dev server', '7233')
    .option('--ui-port <port>', 'Web UI port', '8233')
    .option('--db <file>', 'SQLite file that keeps every run across restarts', DEFAULT_DB)
    .option('--max-sessions <n>', 'concurrent agent sessions', '4')
    .option('--dashboard-port <port>', 'port of the dashboard (on 127.0.0.1)', String(DEFAULT_DASHBOARD_PORT))
    .option('--build-id <id>', 'build id in the `overseer` Worker Deployment (default: package version + workflow hash)')
    .option('--metrics-port <port>', 'serve Prometheus metrics on 127.0.0.1:<port>/metrics')
    .action(async (opts) => {
      const dev = await startDev({
        buildId: opts.buildId,
        metricsPort: opts.metricsPort === undefined ? undefined : Number(opts.metricsPort),
        port: Number(opts.port),
        uiPort: Number(opts.uiPort),
        db: opts.db,
        maxSessions: Number(opts.maxSessions),
        runner: { env: runnerEnv() },
      });
      console.log(`Temporal dev server on ${dev.address} (state in ${path.resolve(opts.db)})`);
      console.log(`Web UI: ${dev.uiUrl}`);
      const dashboard = await serveDashboard({ client: dev.env.client, namespace: 'default', port: Number(opts.dashboardPort), uiBase: dev.uiUrl }).catch((err: Error) => {
        console.warn(`the dashboard did not start (${err.message}); the dev server and worker run without it`);
        return undefined;
      });
      console.log(`Overseer worker polling task queues ${TASK_QUEUE} and ${AGENT_TASK_QUEUE}. Ctrl-C to stop.`);
      await dev.done;
      await dashboard?.close();
      console.log('worker stopped; stopping the dev server');
      await dev.stop();
    });

  program
    .command('worker')
    .description("run an Overseer worker against the server named by Temporal's environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ...)")
    .option('--max-sessions <n>', 'concurrent agent sessions', '4')
    .option('--queues <list>', 'which task queues to serve: core, agents, or both', 'core,agents')
    .option('--shutdown-grace <duration>', 'how long running sessions may finish on SIGINT/SIGTERM before they are resumed elsewhere', '30s')
    .option('--build-id <id>', 'build id in the `overseer` Worker Deployment (default: package version + workflow hash)')
    .option('--metrics-port <port>', "serve Prometheus metrics (the SDK's and Overseer's) on <host>:<port>/metrics")
    .option('--metrics-host <host>', 'address the metrics endpoint binds to', '0.0.0.0')
    .option('--no-promote', 'never make this build current, even when the deployment has no current version')
    .action(async (opts) => {
      installRuntime({ metricsPort: opts.metricsPort === undefined ? undefined : Number(opts.metricsPort), metricsHost: opts.metricsHost });
      const cfg = connectConfig();
      const connection = await NativeConnection.connect(cfg.options).catch((err: Error) => {
        throw new Error(`cannot reach the Temporal server at ${cfg.address} (${err.message.split('\n')[0]}). Start one with \`overseer dev\`, or set TEMPORAL_ADDRESS.`);
      });
      const client = new Client({ connection, namespace: cfg.namespace });
      const buildId: string = opts.buildId ?? (process.env.OVERSEER_BUILD_ID || defaultBuildId());
      const workers = await createWorkers({
        connection,
        client,
        namespace: cfg.namespace,
        maxSessions: Number(opts.maxSessions),
        queues: String(opts.queues).split(',').map((q) => q.trim()) as ('core' | 'agents')[],
        shutdownGraceTime: opts.shutdownGrace,
        runner: { env: runnerEnv() },
        buildId,
        promoteIfNone: opts.promote !== false,
        tracing: await tracingOptions(),
      });
      console.log(`Overseer worker connected to ${cfg.address} (namespace ${cfg.namespace}), deployment ${DEPLOYMENT_NAME} build ${buildId}; Ctrl-C to stop.`);
      if (opts.metricsPort !== undefined) console.log(`Metrics: http://${opts.metricsHost}:${opts.metricsPort}/metrics`);
      await runWorkers(workers);
      await connection.close();
    });
}
