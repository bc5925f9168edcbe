/** `overseer demo`: the sample auth epic on a throwaway repository with the simulated agent. */
import path from 'node:path';
import type { Command } from 'commander';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the sample auth epic on a throwaway repository with the simulated agent')
    .option('--dir <path>', 'where to put the throwaway repository and the server state', path.join('.demo', new Date().toISOString().replace(/[:.]/g, '-')))
    .option('--port <port>', 'gRPC port of the dev server', '7233')
    .option('--ui-port <port>', 'Web UI port', '8233')
    .option('--delay <ms>', 'how long each simulated session works', '400')
    .option('--stay', 'keep the dev server and its Web UI up until Ctrl-C (the default on an interactive terminal)')
    .option('--no-stay', 'stop when the epic ends')
    .action(async (opts) => (await import('../actions/demo')).demoCommand(opts));
}
