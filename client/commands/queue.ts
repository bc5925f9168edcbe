/** `overseer queue [<repo>]`: the repository's merge queue. */
import type { Command } from 'commander';

export function registerQueue(program: Command): void {
  program
    .command('queue')
    .argument('[repo]', 'the repository (default: the current directory)', '.')
    .description("show a repository's merge queue: the merge under way, waiting requests, last results")
    .option('--json', 'as JSON')
    .action(async (repo: string, opts) => (await import('../actions/queue')).queueCommand(repo, opts));
}
