/** `overseer run <plan>`: validate, check the repository, start `epicWorkflow`, and optionally watch it. */
import type { Command } from 'commander';
import { sourceOptions } from './source-options';

export function registerRun(program: Command): void {
  sourceOptions(program.command('run').description('validate a plan and start its epic (several plans: one program)'), true)
    .option('--watch', 'show live item states until the epic ends or waits for you; exit 0 only if every item merged')
    .option('--all', 'every open epic of the Beads database (--beads), or every active session of a .workflow folder')
    .option('--program <id>', 'the program id of a multi-epic run (default: generated)')
    .action(async (sources: string[], opts) => {
      if ((await import('../program/load')).isProgramRun(sources, opts)) return (await import('../program/run')).runProgram(sources, opts);
      return (await import('../actions/run')).runCommand(sources[0], opts);
    });
}
