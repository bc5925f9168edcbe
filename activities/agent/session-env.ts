/** The environment of one Claude Code session: the session environment (activities/environment.ts) plus Overseer's. */
import { sessionEnvironment } from '../environment';
import { permissionModeFor } from './args';
import { roleFor } from './prompts';
import type { AgentRunInput } from './types';

export function agentEnv(input: AgentRunInput, workerEnv: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    ...sessionEnvironment(input.env, input.agent.env),
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...workerEnv,
    OVERSEER_EPIC_ID: input.epicId,
    OVERSEER_ITEM_ID: input.item.id,
    OVERSEER_ITEM_TITLE: input.item.title,
    OVERSEER_SESSION_KIND: input.kind,
    OVERSEER_ROLE: roleFor(input.kind, input.item.role),
    OVERSEER_TARGET_BRANCH: input.targetBranch,
  };
  // Claude Code refuses bypass mode as root ("cannot be used with root/sudo privileges") unless told it runs in a
  // sandbox; only when the plan opted into bypass mode for this session.
  if (permissionModeFor(input.kind, input.agent) === 'bypassPermissions' && process.getuid?.() === 0) env.IS_SANDBOX = '1';
  return env;
}
