/** `overseer plan <source>`: the normalized plan, its effective settings and its DAG, without running anything. */
import type { Command } from 'commander';
import { sourceOptions } from './source-options';

export function registerPlan(program: Command): void {
  sourceOptions(program.command('plan').description('validate a plan and print it normalized (--json is the input of `temporal workflow start`)'), true)
    .option('--json', 'print the normalized plan as JSON')
    .option('--mermaid', 'print the dependency graph as a Mermaid flowchart')
    .option('--all', 'every open epic of the Beads database (--beads), or every active session of a .workflow folder')
    .action(async (sources: string[], opts) => {
      if ((await import('../program/load')).isProgramRun(sources, opts)) return (await import('../program/plan')).printProgramPlan(sources, opts);
      return (await import('../actions/plan')).planCommand(sources[0], opts);
    });
}
