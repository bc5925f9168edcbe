/**
 * Is the agent command there, and which version: what `overseer doctor` and a starting worker check, so a run does
 * not find out with `spawn claude ENOENT` half way.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findOnPath, isExecutable } from '../activities/which';
import { packageRoot } from './package-info';

export interface AgentCheck {
  command: string;
  /** Full path, when found. */
  path?: string;
  version?: string;
  pinned?: string;
  problem?: string;
  fix?: string;
}

/** The Claude Code version Overseer is tested against (scripts/install-claude-cli.sh pins it). */
export function pinnedClaudeVersion(): string | undefined {
  const script = path.join(packageRoot(), 'scripts', 'install-claude-cli.sh');
  if (!existsSync(script)) return undefined;
  return /CLAUDE_CLI_VERSION:-([0-9][^}]*)\}/.exec(readFileSync(script, 'utf8'))?.[1];
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { timeout: 15000, encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(err) : resolve(`${stdout}${stderr}`.trim()))),
  );
}

/** Checks `command` (a name on PATH or a path; leading words of a plan's agent command work too). */
export async function checkAgentCommand(command: string | string[] = 'claude'): Promise<AgentCheck> {
  const argv = Array.isArray(command) ? command : command.split(/\s+/).filter(Boolean);
  const [exe, ...lead] = argv;
  const found = exe.includes('/') ? (isExecutable(path.resolve(exe)) ? path.resolve(exe) : undefined) : findOnPath(exe);
  const pinned = path.basename(exe) === 'claude' ? pinnedClaudeVersion() : undefined;
  const check: AgentCheck = { command: argv.join(' '), path: found, pinned };
  if (!found) {
    return {
      ...check,
      problem: `the agent command \`${exe}\` is not on this host (PATH)`,
      fix: 'install Claude Code (`npm install -g @anthropic-ai/claude-code`, or `bash scripts/install-claude-cli.sh` for the pinned version), or set settings.agent.command in the plan',
    };
  }
  try {
    check.version = (await run(found, [...lead, '--version'])).split('\n')[0];
  } catch (err) {
    return { ...check, problem: `\`${argv.join(' ')} --version\` failed: ${(err as Error).message.split('\n')[0]}`, fix: `run \`${argv.join(' ')} --version\` yourself to see why` };
  }
  if (pinned && !check.version.includes(pinned)) {
    return { ...check, problem: `claude ${check.version} is not the pinned ${pinned}`, fix: `\`bash scripts/install-claude-cli.sh\` installs ${pinned}; other versions usually work but are not tested` };
  }
  return check;
}

export function formatAgentCheck(c: AgentCheck): string {
  if (c.problem) return `agent command: ${c.problem}. Fix: ${c.fix}`;
  return `agent command: ${c.command} → ${c.path} (${c.version}${c.pinned ? `, pinned ${c.pinned}` : ''})`;
}
