/**
 * Turns how a Claude Code process ended into success or a classified failure (DESIGN §5): rate limits, overload
 * and network trouble are retryable; authentication, bad flags, a missing binary and exhausted limits are not.
 */
import type { SessionProgress } from './stream';
import { detectUsageLimit, usageLimitDetail, type UsageLimit } from '../../common/usage-limit';

export type SessionEnd =
  | { ok: true }
  | { ok: false; retryable: boolean; type: string; message: string; usageLimit?: UsageLimit };

export interface ProcessEnd {
  exitCode?: number;
  signal?: string;
  stderr: string;
  /** The process could not be started at all (ENOENT, EACCES, E2BIG). */
  spawnError?: string;
  /** Its errno name. */
  spawnErrorCode?: string;
  /** The runner ended the process itself because it lingered after its result line (a known CLI hang). */
  killedAfterResult?: boolean;
  command: string;
}

const AUTH_ERRORS = new Set(['authentication_failed', 'oauth_org_not_allowed', 'account_on_hold', 'verification_required', 'billing_error', 'cloud_credential_error']);

function lastLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

export function classifySessionEnd(progress: SessionProgress, end: ProcessEnd): SessionEnd {
  if (end.spawnErrorCode === 'E2BIG' || /\bE2BIG\b/.test(end.spawnError ?? '')) {
    // The command is there; its arguments and environment are over the operating system's limit.
    return {
      ok: false,
      retryable: false,
      type: 'AgentInvocationError',
      message: `cannot start the agent command "${end.command}": its arguments and environment are too long for the operating system (E2BIG). Shorten the role prompt, settings.agent.allowedTools or the worker's environment.`,
    };
  }
  if (end.spawnError) {
    return {
      ok: false,
      retryable: false,
      type: 'AgentNotFound',
      message: `cannot start the agent command "${end.command}": ${end.spawnError}. Install Claude Code (npm install -g @anthropic-ai/claude-code) or set settings.agent.command in the plan.`,
    };
  }
  const r = progress.result;
  const limit = usageLimitOf(progress);
  if (limit) {
    // Before anything else: a limited session may end with a success-shaped result and exit 0.
    return { ok: false, retryable: false, type: 'AgentUsageLimit', message: `Claude's ${usageLimitDetail(limit, Date.now())}`, usageLimit: limit };
  }
  if (r && !r.is_error && (end.exitCode === 0 || end.killedAfterResult)) return { ok: true };

  if (r) {
    const status = r.api_error_status;
    const text = r.result ?? (r.errors ?? []).join('; ') ?? r.subtype;
    if (status === 401 || status === 403 || (progress.lastApiError && AUTH_ERRORS.has(progress.lastApiError)) || /not logged in|invalid api key/i.test(text ?? '')) {
      return {
        ok: false,
        retryable: false,
        type: 'AgentAuthError',
        message: `Claude Code authentication failed: ${text}. Set ANTHROPIC_API_KEY (or a cloud provider) for the worker.`,
      };
    }
    if (r.subtype === 'error_max_budget_usd') {
      return { ok: false, retryable: false, type: 'AgentBudgetExhausted', message: `agent stopped at its budget: ${text}` };
    }
    if (r.subtype === 'error_max_turns' || r.subtype === 'error_max_structured_output_retries') {
      return { ok: false, retryable: false, type: 'AgentLimitReached', message: `agent stopped: ${text}` };
    }
    if (status === 429 || status === 529 || (typeof status === 'number' && status >= 500) || status === null) {
      return { ok: false, retryable: true, type: 'AgentApiError', message: `Claude API error (${status ?? 'network'}): ${text}` };
    }
    if (r.is_error) {
      return { ok: false, retryable: true, type: 'AgentFailed', message: `agent reported an error: ${text}` };
    }
    // A clean result but a non-zero exit: the process misbehaved after finishing; a retry resumes the session.
    return { ok: false, retryable: true, type: 'AgentCrashed', message: `agent exited with code ${end.exitCode} after its result` };
  }

  if (end.signal || end.exitCode === 143 || end.exitCode === 137) {
    return { ok: false, retryable: true, type: 'AgentKilled', message: `agent process was killed (${end.signal ?? `exit ${end.exitCode}`})` };
  }
  if (progress.events === 0 && end.exitCode === 1 && /error: |unknown option|invalid|cannot be used with|requires/i.test(end.stderr)) {
    return {
      ok: false,
      retryable: false,
      type: 'AgentInvocationError',
      message: `Claude Code refused the invocation: ${lastLines(end.stderr)}`,
    };
  }
  return {
    ok: false,
    retryable: true,
    type: 'AgentCrashed',
    message: `agent exited with code ${end.exitCode} without a result${end.stderr.trim() ? `: ${lastLines(end.stderr)}` : ''}`,
  };
}

/**
 * The account's usage limit, from the events (never the exit code): a `rejected` rate_limit_event, or the CLI's
 * limit text as the result (only when the session produced no report: a report's own words never count) or as the
 * last thing it said when no result came.
 */
function usageLimitOf(progress: SessionProgress): UsageLimit | undefined {
  const r = progress.result;
  const texts = r ? (r.structured_output === undefined ? [r.result] : []) : [progress.lastText];
  return detectUsageLimit({ rateLimit: progress.rateLimit, texts, now: new Date() });
}

/**
 * `--resume <id>` of a session this machine does not have (another worker host, a wiped config dir). Claude Code
 * 2.1.329 prints `No conversation found with session ID: <id>` on stderr and, in stream-json mode, also a `result`
 * line (`error_during_execution`, `errors: [that text]`, no turn taken), then exits 1.
 */
export function isSessionNotFound(progress: SessionProgress, stderr: string): boolean {
  if (progress.turns > 0 || (progress.result?.num_turns ?? 0) > 0) return false;
  const text = `${stderr}\n${(progress.result?.errors ?? []).join('\n')}`;
  return /No conversation found/i.test(text);
}

export { NON_RETRYABLE_AGENT_ERRORS } from '../../common/agent-errors';
