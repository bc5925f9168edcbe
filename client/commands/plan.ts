/** `overseer plan <source>`: the normalized plan and its DAG, without running anything. */
import type { Command } from 'commander';
import { loadPlan } from '../importers/index';
import { sourceOptions } from './source-options';
import { formatMermaid, formatPlan } from '../format';
import { isProgramRun } from '../program/load';
import { printProgramPlan } from '../program/plan';

export function registerPlan(program: Command): void {
  sourceOptions(program.command('plan').description('validate a plan and print it normalized (--json is the input of `temporal workflow start`)'), true)
    .option('--json', 'print the normalized plan as JSON')
    .option('--mermaid', 'print the dependency graph as a Mermaid flowchart')
    .option('--all', 'every open epic of the Beads database (--beads), or every active session of a .workflow folder')
    .action(async (sources: string[], opts) => {
      if (isProgramRun(sources, opts)) return printProgramPlan(sources, opts);
      const source = sources[0];
      const plan = await loadPlan(source, opts);
      if (opts.json) console.log(JSON.stringify(plan, null, 2));
      else if (opts.mermaid) console.log(formatMermaid(plan));
      else console.log(formatPlan(plan));
    });
}
