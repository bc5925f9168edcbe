/** `overseer dashboard` (and the dashboard `overseer dev` serves): the live dashboard for a Temporal server. */
import type { Client } from '@temporalio/client';
import { connect } from '../connection';
import { startDashboard, type Dashboard } from '../dashboard/server';
import { checkListen } from '../dashboard/security';

/** Starts the dashboard and prints its address. */
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

export async function dashboardCommand(opts: { host: string; port: string }): Promise<void> {
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
}
