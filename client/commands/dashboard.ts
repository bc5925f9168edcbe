/** `overseer dashboard`: the live dashboard for the server named by Temporal's environment (as `overseer worker`). */
import type { Command } from 'commander';

export const DEFAULT_DASHBOARD_PORT = 8234;

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description("serve the live dashboard (epics, dependency graph, questions, decisions) for the server named by Temporal's environment")
    .option('--port <port>', 'port to listen on', String(DEFAULT_DASHBOARD_PORT))
    .option('--host <address>', 'address to listen on (anything but loopback needs OVERSEER_DASHBOARD_TOKEN)', '127.0.0.1')
    .action(async (opts) => (await import('../actions/dashboard')).dashboardCommand(opts));
}
