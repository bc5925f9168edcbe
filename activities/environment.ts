/**
 * The environment gates and agent sessions run with (README, "Environments"): the worker's own, minus Temporal's
 * connection and credential variables (always), minus secret-looking variables (unless the plan names them in
 * `settings.env` / `settings.agent.env`); sessions keep what Claude Code needs to authenticate.
 */
import { isSecretVariable, isTemporalVariable } from '../common/redact';

type Env = Readonly<Record<string, string | undefined>>;

/** Claude Code's own variables, and the cloud credentials of the provider the worker selected for it. */
function claudeCodeNeeds(name: string, base: Env): boolean {
  if (/^(ANTHROPIC|CLAUDE)_/.test(name)) return true;
  if (base.CLAUDE_CODE_USE_BEDROCK && /^AWS_/.test(name)) return true;
  if (base.CLAUDE_CODE_USE_VERTEX && name === 'GOOGLE_APPLICATION_CREDENTIALS') return true;
  return false;
}

function filterEnv(base: Env, keep: (name: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || isTemporalVariable(name)) continue;
    if (!isSecretVariable(name) || keep(name)) out[name] = value;
  }
  return out;
}

/** Gates: the worker's environment without Temporal's and secret variables, plus those `settings.env` names. */
export function gateEnvironment(allow: readonly string[] = [], base: Env = process.env): Record<string, string> {
  const allowed = new Set(allow);
  return filterEnv(base, (name) => allowed.has(name));
}

/** Sessions: as gates, plus `settings.agent.env` and what Claude Code needs to authenticate. */
export function sessionEnvironment(allow: readonly string[] = [], agentAllow: readonly string[] = [], base: Env = process.env): Record<string, string> {
  const allowed = new Set([...allow, ...agentAllow]);
  return filterEnv(base, (name) => allowed.has(name) || claudeCodeNeeds(name, base));
}
