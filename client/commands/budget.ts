/** `overseer budget <epicId> [--add USD | --set USD] [--item <id>]`: the epic's budget, and raising it while it runs. */
import type { Command } from 'commander';

export function registerBudget(program: Command): void {
  program
    .command('budget')
    .argument('<epicId>')
    .description("show the epic's budget (limit, spent, remaining), or raise it: waiting items continue at once")
    .option('--add <usd>', 'raise the limit by this many US dollars')
    .option('--set <usd>', 'set the limit to this many US dollars (not below what was spent)')
    .option('--item <itemId>', "change one item's limit instead of the epic's")
    .option('--json', 'as JSON')
    .action(async (epicId: string, opts) => (await import('../actions/budget')).budgetCommand(epicId, opts));
}
