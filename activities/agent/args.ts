/**
 * The Claude Code command line of a session (notes A.2). The prompt is not on it: it goes to the CLI's stdin
 * (`-p` with no prompt argument reads stdin), so a prompt of any length fits (argv is limited to about 128 KiB).
 */
import type { AgentSettings, PermissionMode } from '../../common/plan';
import { REPORT_SCHEMAS, reportKindOf, type SessionKind } from '../../common/reports';

const READ_ONLY_KINDS: SessionKind[] = ['review', 'validate'];

/** Review and validation sessions must not change the code. */
export function isReadOnly(kind: SessionKind): boolean {
  return READ_ONLY_KINDS.includes(kind);
}

/** The permission mode a kind of session runs with: read-only sessions (review, validation) never bypass. */
export function permissionModeFor(kind: SessionKind, agent: AgentSettings): PermissionMode {
  return isReadOnly(kind) && agent.permissionMode === 'bypassPermissions' ? 'default' : agent.permissionMode;
}

export function buildArgs(opts: {
  kind: SessionKind;
  rolePrompt: string;
  agent: AgentSettings;
  resume?: string;
  newSessionId?: string;
}): string[] {
  const { agent } = opts;
  const args = ['-p', '--output-format', 'stream-json', '--verbose'];
  args.push('--json-schema', JSON.stringify(REPORT_SCHEMAS[reportKindOf(opts.kind)]));
  args.push('--append-system-prompt', opts.rolePrompt);
  args.push('--permission-mode', permissionModeFor(opts.kind, agent));
  if (agent.model) args.push('--model', agent.model);
  if (agent.maxTurns) args.push('--max-turns', String(agent.maxTurns));
  if (agent.maxBudgetUsd) args.push('--max-budget-usd', String(agent.maxBudgetUsd));
  if (agent.allowedTools.length) args.push('--allowedTools', ...agent.allowedTools);
  // Nobody is there to answer AskUserQuestion in a headless run; questions go through the report instead.
  const disallowed = ['AskUserQuestion'];
  if (isReadOnly(opts.kind)) disallowed.push('Edit', 'Write', 'MultiEdit', 'NotebookEdit');
  args.push('--disallowedTools', ...disallowed);
  if (opts.resume) args.push('--resume', opts.resume);
  else if (opts.newSessionId) args.push('--session-id', opts.newSessionId);
  return args;
}
