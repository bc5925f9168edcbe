/** `overseer status <epic> [item]` (alias `show`) and `overseer list`. */
import type { Command } from 'commander';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .alias('show')
    .argument('<epicId>', 'an epic id, or the program id of a multi-epic run')
    .argument('[itemId]', 'one item in full: state, history, attempts, cost, tokens, branch, merge commit, question, transcripts')
    .description("print every item's state, or one item in full")
    .option('--json', 'as JSON')
    .option('--watch', 'follow the epic until it ends or waits for you')
    .action(async (epicId: string, itemId: string | undefined, opts) => (await import('../actions/status')).statusCommand(epicId, itemId, opts));

  program
    .command('list')
    .description('the epics on this server: phase, progress, cost, and ! when one waits for you (running ones; --all for every one)')
    .option('--all', 'closed epics too')
    .option('--json', 'as JSON')
    .action(async (opts) => (await import('../actions/list')).listCommand(opts));
}
