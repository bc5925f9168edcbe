/** `overseer run <plan>`: validate, check the repository, start `epicWorkflow`, and optionally watch it. */
import type { Command } from 'commander';
import { sourceOptions } from './source-options';

export function registerRun(program: Command): void {
  sourceOptions(program.command('run').description('validate a plan and start its epic'))
    .option('--watch', 'show live item states until the epic ends or waits for you; exit 0 only if every item merged')
    .action(async (source: string | undefined, opts) => (await import('../actions/run')).runCommand(source, opts));
}
