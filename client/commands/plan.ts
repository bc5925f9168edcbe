/** `overseer plan <source>`: the normalized plan, its effective settings and its DAG, without running anything. */
import type { Command } from 'commander';
import { sourceOptions } from './source-options';

export function registerPlan(program: Command): void {
  sourceOptions(program.command('plan').description('validate a plan and print it normalized (--json is the input of `temporal workflow start`)'))
    .option('--json', 'print the normalized plan as JSON')
    .option('--mermaid', 'print the dependency graph as a Mermaid flowchart')
    .action(async (source: string | undefined, opts) => (await import('../actions/plan')).planCommand(source, opts));
}
