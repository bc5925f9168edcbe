/**
 * The account's usage limit, as Claude Code reports it (shared/notes/hosts-budgets-queues-ui.md). Detected from the
 * events, never from the exit code: a `rate_limit_event` with status `rejected`, or one of the result texts the CLI
 * prints when a limit is hit (some of them on a success-shaped result with exit 0).
 */

export type RateLimitStatus = 'allowed' | 'allowed_warning' | 'rejected';

export interface RateLimitInfo {
  status: RateLimitStatus;
  /** Epoch seconds. */
  resetsAt?: number;
  rateLimitType?: string;
  utilization?: number;
}

/** A session stopped by the account's limit: when it lifts and which limit it was. */
export interface UsageLimit {
  /** Epoch seconds. */
  resetsAt: number;
  limitType: string;
  /** The CLI's own words, when it said any. */
  text?: string;
}

/** When a limit names no reset time at all, look again after this long. */
export const UNKNOWN_RESET_WAIT_S = 15 * 60;

/** The `rate_limit_info` of a `rate_limit_event`, or undefined for any other event. */
export function rateLimitInfoOf(ev: Record<string, unknown>): RateLimitInfo | undefined {
  if (ev.type !== 'rate_limit_event') return undefined;
  const info = ev.rate_limit_info as Record<string, unknown> | undefined;
  const status = info?.status;
  if (status !== 'allowed' && status !== 'allowed_warning' && status !== 'rejected') return undefined;
  return {
    status,
    resetsAt: typeof info!.resetsAt === 'number' ? info!.resetsAt : undefined,
    rateLimitType: typeof info!.rateLimitType === 'string' ? info!.rateLimitType : undefined,
    utilization: typeof info!.utilization === 'number' ? info!.utilization : undefined,
  };
}

const LIMIT_TEXT = /usage limit reached|(?:you'?ve )?hit your (?:[\w-]+ )?limit|\blimit reached\s*[·∙•|-]\s*resets/i;

/** Is this result or assistant text the CLI's usage-limit message? */
export function isUsageLimitText(text: string | undefined): boolean {
  return !!text && LIMIT_TEXT.test(text);
}

/** The limit's kind from the CLI's words (session/5-hour, weekly, Opus, Sonnet); `unknown` when it does not say. */
export function limitTypeOfText(text: string): string {
  if (/session|5-hour|five.hour/i.test(text)) return 'five_hour';
  if (/opus/i.test(text)) return 'seven_day_opus';
  if (/sonnet/i.test(text)) return 'seven_day_sonnet';
  if (/weekly|7-day|seven.day/i.test(text)) return 'seven_day';
  return 'unknown';
}

/** Offset of a time zone from UTC at an instant, in minutes (Intl; unknown zones count as UTC). */
function zoneOffsetMinutes(zone: string, at: Date): number {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    }).formatToParts(at);
    const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
    const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'));
    return Math.round((asUtc - Math.floor(at.getTime() / 60000) * 60000) / 60000);
  } catch {
    return 0;
  }
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** The next instant after `now` at which the zone's wall clock shows `hour:minute` (on `weekday` if given). */
function nextWallClock(now: Date, zone: string, hour: number, minute: number, weekday?: number): number {
  const offset = zoneOffsetMinutes(zone, now);
  const local = new Date(now.getTime() + offset * 60000);
  const candidate = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hour, minute));
  for (let i = 0; i < 8; i++) {
    const ok = candidate.getTime() > local.getTime() && (weekday === undefined || candidate.getUTCDay() === weekday);
    if (ok) break;
    candidate.setUTCDate(candidate.getUTCDate() + 1);
  }
  return Math.floor((candidate.getTime() - offset * 60000) / 1000);
}

/** When the limit lifts, read from the CLI's text ("…|1767225600", "resets 3pm (Europe/Lisbon)", "resets Tuesday"). */
export function resetOfText(text: string, now: Date): number | undefined {
  const epoch = /\|\s*(\d{9,11})\b/.exec(text);
  if (epoch) return Number(epoch[1]);
  const resets = /resets\s+(?:(\w+day)\b)?\s*(?:at\s+)?(?:(\d{1,2})(?::(\d{2}))?\s*([ap]m)?)?\s*(?:\(([^)]+)\))?/i.exec(text);
  if (!resets || (!resets[1] && !resets[2])) return undefined;
  const [, day, h, m, ampm, zone] = resets;
  let hour = h ? Number(h) % 12 + (ampm?.toLowerCase() === 'pm' ? 12 : 0) : 0;
  if (h && !ampm) hour = Number(h);
  const weekday = day ? WEEKDAYS.indexOf(day.toLowerCase()) : -1;
  return nextWallClock(now, zone?.trim() || 'UTC', hour, m ? Number(m) : 0, weekday >= 0 ? weekday : undefined);
}

/** The usage limit a session ran into, from its last rate-limit info and the texts it ended with. */
export function detectUsageLimit(input: { rateLimit?: RateLimitInfo; texts: (string | undefined)[]; now: Date }): UsageLimit | undefined {
  const text = input.texts.find(isUsageLimitText);
  const rejected = input.rateLimit?.status === 'rejected' ? input.rateLimit : undefined;
  if (!rejected && !text) return undefined;
  const resetsAt = rejected?.resetsAt ?? (text ? resetOfText(text, input.now) : undefined);
  return {
    resetsAt: resetsAt ?? Math.floor(input.now.getTime() / 1000) + UNKNOWN_RESET_WAIT_S,
    limitType: rejected?.rateLimitType ?? (text ? limitTypeOfText(text) : 'unknown'),
    ...(text ? { text: text.slice(0, 200) } : {}),
  };
}

/** "usage limit (five_hour): resumes at 15:00 UTC" */
export function usageLimitDetail(limit: Pick<UsageLimit, 'limitType' | 'resetsAt'>, nowMs: number): string {
  const at = new Date(limit.resetsAt * 1000).toISOString();
  const sameDay = at.slice(0, 10) === new Date(nowMs).toISOString().slice(0, 10);
  return `usage limit (${limit.limitType}): resumes at ${at.slice(11, 16)} UTC${sameDay ? '' : ` on ${at.slice(0, 10)}`}`;
}
