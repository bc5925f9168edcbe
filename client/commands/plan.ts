/** `overseer plan <source>`: the normalized plan and its DAG, without running anything. */
import type { Command } from 'commander';
import { loadPlan } from '../importers/index';
import { sourceOptions } from './source-options';
import { formatMermaid, formatPlan } from '../format';

export function registerPlan(program: Command): void {
  sourceOptions(program.command('plan').description('validate a plan and print it normalized (--json is the input of `temporal workflow start`)'))
    .option('--json', 'print the normalized plan as JSON')
    .option('--mermaid', 'print the dependency graph as a Mermaid flowchart')
    .action(async (source: string | undefined, opts) => {
      const plan = await loadPlan(source, opts);
      if (opts.json) console.log(JSON.stringify(plan, null, 2));
      else if (opts.mermaid) console.log(formatMermaid(plan));
      else console.log(formatPlan(plan));
    });
}
