/** `overseer hosts`: the worker hosts serving the server. */
import type { Command } from 'commander';

export function registerHosts(program: Command): void {
  program
    .command('hosts')
    .description("the worker hosts serving the server (from Temporal's task-queue pollers): name, session limit, own queue")
    .option('--json', 'as JSON')
    .action(async (opts) => (await import('../actions/hosts')).hostsCommand(opts));
}
