/** `overseer doctor`: what this machine needs to run epics, each problem with its fix. */
import type { Command } from 'commander';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check the agent command, authentication, git, the Temporal server and its search attributes, workdirs and ports')
    .option('--agent-command <cmd>', 'the agent command to check', 'claude')
    .option('--port <port>', 'the dev server port to check', '7233')
    .option('--ui-port <port>', 'the Web UI port to check', '8233')
    .option('--json', 'as JSON')
    .action(async (opts) => (await import('../actions/doctor')).doctorCommand(opts));
}
