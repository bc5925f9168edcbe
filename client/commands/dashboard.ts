/** `overseer dashboard`: the live dashboard for the server named by Temporal's environment (as `overseer worker`). */
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { connect } from '../connection';
import { startDashboard, type Dashboard } from '../dashboard/server';
import { checkListen } from '../dashboard/security';

export const DEFAULT_DASHBOARD_PORT = 8234;

/** Starts the dashboard and prints its address (`overseer dev` calls it too). */
export async function serveDashboard(opts: { client: Client; namespace: string; host?: string; port?: number; uiBase?: string }): Promise<Dashboard> {
  const dashboard = await startDashboard({ ...opts, token: process.env.OVERSEER_DASHBOARD_TOKEN });
  console.log(`Dashboard: ${dashboard.url}`);
  return dashboard;
}

function waitForStop(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description("serve the live dashboard (epics, dependency graph, questions, decisions) for the server named by Temporal's environment")
    .option('--port <port>', 'port to listen on', String(DEFAULT_DASHBOARD_PORT))
    .option('--host <address>', 'address to listen on (anything but loopback needs OVERSEER_DASHBOARD_TOKEN)', '127.0.0.1')
    .action(async (opts) => {
      checkListen(opts.host, process.env.OVERSEER_DASHBOARD_TOKEN);
      const { client, connection, namespace } = await connect();
      try {
        const dashboard = await serveDashboard({ client, namespace, host: opts.host, port: Number(opts.port) });
        console.log('Ctrl-C to stop.');
        await waitForStop();
        await dashboard.close();
      } finally {
        await connection.close();
      }
    });
}
