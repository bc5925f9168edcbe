/** `overseer dev` and `overseer worker`. */
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';

// Also activities/hosts.ts DEFAULT_WORKDIR (this module imports nothing heavy).
export const DEFAULT_WORKDIR = path.join(os.homedir(), '.overseer', 'work');
export const DEFAULT_DB = path.join(os.homedir(), '.overseer', 'temporal-dev.db');

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('start the Temporal dev server (SQLite file, Web UI) and an Overseer worker; Ctrl-C stops both')
    .option('--port <port>', 'gRPC port of the dev server', '7233')
    .option('--ui-port <port>', 'Web UI port', '8233')
    .option('--db <file>', 'SQLite file that keeps every run across restarts', DEFAULT_DB)
    .option('--max-sessions <n>', 'concurrent agent sessions', '4')
    .option('--dashboard-port <port>', 'port of the dashboard (on 127.0.0.1)', '8234')
    .option('--build-id <id>', 'build id in the `overseer` Worker Deployment (default: package version + workflow hash)')
    .option('--metrics-port <port>', 'serve Prometheus metrics on 127.0.0.1:<port>/metrics')
    .option('--no-worker', 'start only the dev server (with our search attributes), for workers started separately')
    .action(async (opts) => (await import('../actions/dev')).devCommand(opts));

  program
    .command('worker')
    .description("run an Overseer worker against the server named by Temporal's environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ...)")
    .option('--max-sessions <n>', 'concurrent agent sessions', '4')
    .option('--host <name>', "this worker host's name: it also polls its own task queue overseer-host/<name> (default: the machine's hostname)")
    .option('--workdir <dir>', 'where this host keeps its clones of remotes and item worktrees', DEFAULT_WORKDIR)
    .option('--queues <list>', 'which task queues to serve: core, agents, or both', 'core,agents')
    .option('--shutdown-grace <duration>', 'how long running sessions may finish on SIGINT/SIGTERM before they are resumed elsewhere', '30s')
    .option('--agent-command <cmd>', 'the agent command to check at start (default: claude)', 'claude')
    .option('--build-id <id>', 'build id in the `overseer` Worker Deployment (default: $OVERSEER_BUILD_ID, or package version + workflow hash)')
    .option('--metrics-port <port>', "serve Prometheus metrics (the SDK's and Overseer's) on <host>:<port>/metrics")
    .option('--metrics-host <host>', 'address the metrics endpoint binds to', '0.0.0.0')
    .option('--no-promote', 'never make this build current, even when the deployment has no current version')
    .action(async (opts) => (await import('../actions/dev')).workerCommand(opts));
}
