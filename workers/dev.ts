/**
 * The embedded default (`overseer dev`): the Temporal CLI's dev server (SQLite file, Web UI) plus an Overseer
 * worker in this process. Ctrl-C stops the worker first (sessions get a grace period) and then the server.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client } from '@temporalio/client';
import { installRuntime } from './telemetry';
import { startTracing } from './tracing';
import { SEARCH_ATTRIBUTES } from '../common/search-attributes';
import { devServerExecutable, findTemporalCli, INSTALL_HINT } from './temporal-cli';
import { devServerArgs } from './dev-server-config';
import { createWorkers } from './worker';
import { defaultBuildId } from './versioning';
import type { RunnerOptions } from '../activities/agent/runner';

export interface DevOptions {
  port: number;
  uiPort: number;
  /** SQLite file; the state survives restarts of the server. */
  db: string;
  namespace?: string;
  maxSessions?: number;
  runner?: RunnerOptions;
  /** false: only the dev server (`overseer dev --no-worker`); workers run elsewhere. */
  worker?: boolean;
  log?: (line: string) => void;
  /** This worker's build id in the `overseer` Worker Deployment (default: package version + workflow hash). */
  buildId?: string;
  /** Serve Prometheus metrics on 127.0.0.1:<port>/metrics. */
  metricsPort?: number;
}

export interface DevServer {
  env: TestWorkflowEnvironment;
  address: string;
  uiUrl: string;
  /** Resolves when the worker stops (Ctrl-C / SIGTERM, or `stop()`). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startDev(opts: DevOptions): Promise<DevServer> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const cli = findTemporalCli();
  if (cli.kind === 'download') log('No Temporal CLI on this machine; asking the SDK to download one (needs internet).');
  else log(`Temporal CLI: ${cli.path} (from ${cli.from})`);
  mkdirSync(path.dirname(path.resolve(opts.db)), { recursive: true });
  // Quiet logs; the SDK still turns SIGINT/SIGTERM into a graceful worker shutdown.
  installRuntime({ quiet: true, metricsPort: opts.metricsPort, metricsHost: '127.0.0.1' });
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: devServerExecutable(cli),
        port: opts.port,
        ui: true,
        uiPort: opts.uiPort,
        dbFilename: path.resolve(opts.db),
        namespace: opts.namespace ?? 'default',
        searchAttributes: SEARCH_ATTRIBUTES,
        extraArgs: devServerArgs(path.resolve(opts.db)),
        log: { format: 'pretty', level: 'error' },
      },
    });
  } catch (err) {
    if (cli.kind === 'download') throw new Error(INSTALL_HINT);
    throw new Error(`the Temporal dev server did not start on port ${opts.port} (${(err as Error).message.split('\n')[0]}). Is the port in use?`);
  }
  if (opts.worker === false) return serverOnly(env, opts.port, opts.uiPort);
  const buildId = opts.buildId ?? defaultBuildId();
  const tracing = await startTracing({ serviceName: 'overseer-worker', serviceVersion: buildId });
  const workers = await createWorkers({
    connection: env.nativeConnection,
    client: tracing ? new Client({ connection: env.connection, namespace: opts.namespace ?? 'default', interceptors: tracing.client }) : env.client,
    tracing,
    namespace: opts.namespace ?? 'default',
    maxSessions: opts.maxSessions,
    runner: opts.runner,
    shutdownGraceTime: '20s',
    buildId,
  });
  const done = Promise.all(workers.map((w) => w.run()))
    .then(() => undefined)
    .finally(() => tracing?.shutdown().catch(() => undefined));
  const address = `127.0.0.1:${opts.port}`;
  return {
    env,
    address,
    uiUrl: `http://localhost:${opts.uiPort}`,
    done,
    async stop() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done.catch(() => undefined);
      await env.teardown();
    },
  };
}

/** The dev server alone: it runs until SIGINT/SIGTERM or `stop()`. */
function serverOnly(env: TestWorkflowEnvironment, port: number, uiPort: number): DevServer {
  let release = () => {};
  const done = new Promise<void>((resolve) => (release = resolve));
  const onSignal = () => release();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    env,
    address: `127.0.0.1:${port}`,
    uiUrl: `http://localhost:${uiPort}`,
    done,
    async stop() {
      release();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await env.teardown();
    },
  };
}
