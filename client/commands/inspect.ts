/** `overseer logs` and `overseer diff`: what an item's agent did and what it changed. */
import type { Command } from 'commander';

export function registerInspect(program: Command): void {
  program
    .command('logs')
    .argument('<epicId>')
    .argument('<itemId>')
    .description("an item's agent sessions, rendered for a person: text, tool calls, results, denials, cost")
    .option('--session <n|kind>', 'one session: its number in the list (1 is the first), or its kind (implement, review, ...); default: all')
    .option('--follow', 'keep printing while the session runs')
    .option('--raw', 'the stream-json lines as they are')
    .action(async (epicId: string, itemId: string, opts) => (await import('../actions/logs')).logsCommand(epicId, itemId, opts));

  program
    .command('diff')
    .argument('<epicId>')
    .argument('<itemId>')
    .description("the item's change: its branch against where it started, or its merge commit once merged")
    .option('--stat', 'only the files changed')
    .action(async (epicId: string, itemId: string, opts) => (await import('../actions/diff')).diffCommand(epicId, itemId, opts));
}
