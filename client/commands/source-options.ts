/** The options that name a plan source, shared by `overseer plan` and `overseer run`. */
import type { Command } from 'commander';

export function sourceOptions(command: Command, many = false): Command {
  return command
    .argument(many ? '[sources...]' : '[source]', `plan file (YAML/JSON), Beads export, or claude-code-workflow session folder${many ? '; several run as one program' : ''}`)
    .option('--repo <path>', 'repository the plan runs on (default: the plan\'s repo.path, then the current directory)')
    .option('--repo-url <url>', 'a git remote the plan runs on instead of a local repository (ssh://, https://, git://, file://, a bare repository path)')
    .option('--epic <id>', 'which epic of a Beads source')
    .option('--session <id>', 'which claude-code-workflow session')
    .option('--beads', 'read the plan from `bd export`')
    .option('--ccw <dir>', 'a claude-code-workflow session folder (or a .workflow folder)');
}
