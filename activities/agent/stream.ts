import { rateLimitInfoOf, type RateLimitInfo } from '../../common/usage-limit';

/**
 * Claude Code's `--output-format stream-json` events, as far as the runner needs them (see
 * shared/notes/claude-beads-ccw-interfaces.md A.3). Unknown event types and fields are ignored: the format grows.
 */

export interface InitEvent {
  type: 'system';
  subtype: 'init';
  session_id: string;
  claude_code_version?: string;
  model?: string;
  cwd?: string;
}

export interface ResultEvent {
  type: 'result';
  subtype: string;
  is_error: boolean;
  session_id?: string;
  result?: string;
  errors?: string[];
  api_error_status?: number | null;
  total_cost_usd?: number;
  num_turns?: number;
  duration_ms?: number;
  terminal_reason?: string;
  structured_output?: unknown;
  permission_denials?: unknown[];
  modelUsage?: Record<string, unknown>;
  usage?: Record<string, unknown>;
}

/** What the runner keeps from a session while it runs; also its heartbeat payload (small on purpose). */
export interface SessionProgress {
  sessionId?: string;
  agentVersion?: string;
  /** Model replies so far (the CLI prints one line per content block; lines of one reply share `message.id`). */
  turns: number;
  lastMessageId?: string;
  lastTool?: string;
  lastText?: string;
  /** `error` field of the last assistant message (`rate_limit`, `authentication_failed`, ...). */
  lastApiError?: string;
  apiRetries: number;
  result?: ResultEvent;
  events: number;
  /** The last `rate_limit_event` (the account's usage-limit status). */
  rateLimit?: RateLimitInfo;
}

export function newProgress(): SessionProgress {
  return { turns: 0, apiRetries: 0, events: 0 };
}

/** Parses one stdout line; returns undefined for blank or non-JSON lines (never throws). */
export function parseLine(line: string): Record<string, unknown> | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(trimmed);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Folds one event into the progress record. */
export function applyEvent(p: SessionProgress, ev: Record<string, unknown>): void {
  p.events++;
  if (typeof ev.session_id === 'string' && ev.session_id) p.sessionId = ev.session_id;
  switch (ev.type) {
    case 'system':
      if (ev.subtype === 'init' && typeof ev.claude_code_version === 'string') p.agentVersion = ev.claude_code_version;
      if (ev.subtype === 'api_retry') p.apiRetries++;
      break;
    case 'assistant': {
      const message = ev.message as { id?: string; content?: { type: string; name?: string; text?: string }[] } | undefined;
      if (!message?.id || message.id !== p.lastMessageId) p.turns++;
      p.lastMessageId = message?.id;
      for (const block of message?.content ?? []) {
        if (block.type === 'tool_use' && block.name) p.lastTool = block.name;
        if (block.type === 'text' && block.text) p.lastText = block.text.slice(0, 200);
      }
      if (typeof ev.error === 'string') p.lastApiError = ev.error;
      break;
    }
    case 'result':
      p.result = ev as unknown as ResultEvent;
      break;
    case 'rate_limit_event':
      p.rateLimit = rateLimitInfoOf(ev) ?? p.rateLimit;
      break;
  }
}
