/** `overseer queue [<repo>]`: the repository's merge queue; `overseer queue <url> [--target <branch>]`: a git remote's. */
import type { Command } from 'commander';

export function registerQueue(program: Command): void {
  program
    .command('queue')
    .argument('[repo]', 'the repository (default: the current directory), or a git remote as a plan names it in repo.url', '.')
    .description("show a repository's merge queue: the merge under way, waiting requests, last results")
    .option('--target <branch>', "a remote's target branch (a remote has one queue per branch; default: main)")
    .option('--json', 'as JSON')
    .action(async (repo: string, opts) => (await import('../actions/queue')).queueCommand(repo, opts));
}
