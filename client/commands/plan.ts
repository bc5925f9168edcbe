/** `overseer plan <source>`: the normalized plan and its DAG, without running anything. */
import type { Command } from 'commander';
import { loadPlan } from '../importers/index';
import { formatMermaid, formatPlan } from '../format';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .argument('[source]', 'plan file (YAML/JSON), Beads export, or claude-code-workflow session folder')
    .description('validate a plan and print it normalized (--json is the input of `temporal workflow start`)')
    .option('--repo <path>', 'repository the plan runs on (default: the plan\'s repo.path, then the current directory)')
    .option('--epic <id>', 'which epic of a Beads source')
    .option('--session <id>', 'which claude-code-workflow session')
    .option('--beads', 'read the plan from `bd export`')
    .option('--ccw <dir>', 'a claude-code-workflow session folder (or a .workflow folder)')
    .option('--json', 'print the normalized plan as JSON')
    .option('--mermaid', 'print the dependency graph as a Mermaid flowchart')
    .action(async (source: string | undefined, opts) => {
      const plan = await loadPlan(source, opts);
      if (opts.json) console.log(JSON.stringify(plan, null, 2));
      else if (opts.mermaid) console.log(formatMermaid(plan));
      else console.log(formatPlan(plan));
    });
}
