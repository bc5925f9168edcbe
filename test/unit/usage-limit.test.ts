/** Detecting the account's usage limit from Claude Code's events and texts (common/usage-limit.ts). */
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detectUsageLimit, isUsageLimitText, rateLimitInfoOf, resetOfText, usageLimitDetail } from '../../common/usage-limit';
import { REAL_EVENTS_DIR } from '../claude/record';

const events = (name: string) =>
  readFileSync(`${REAL_EVENTS_DIR}/${name}.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
// Monday 1 December 2025, 12:36 UTC.
const NOW = new Date('2025-12-01T12:36:00Z');
const epoch = (iso: string) => Date.parse(iso) / 1000;

describe('usage limits', () => {
  it('reads the rejected rate_limit_event and the result of the real CLI (2.1.329)', () => {
    const evs = events('implement-usage-limit');
    const info = evs.map(rateLimitInfoOf).find(Boolean);
    assert.equal(info?.status, 'rejected');
    assert.equal(info?.rateLimitType, 'five_hour');
    const result = evs.find((e) => e.type === 'result')!;
    const limit = detectUsageLimit({ rateLimit: info, texts: [String(result.result)], now: NOW });
    assert.equal(limit?.resetsAt, info?.resetsAt);
    assert.equal(limit?.limitType, 'five_hour');
  });

  it('finds no limit in ordinary runs, an ordinary 429 or an allowed_warning', () => {
    for (const name of ['implement-success', 'implement-rate-limited', 'implement-question']) {
      const evs = events(name);
      const result = evs.find((e) => e.type === 'result');
      const info = evs.map(rateLimitInfoOf).find(Boolean);
      assert.equal(detectUsageLimit({ rateLimit: info, texts: [result?.result as string], now: NOW }), undefined, name);
    }
    const warning = rateLimitInfoOf({ type: 'rate_limit_event', rate_limit_info: { status: 'allowed_warning', resetsAt: 1, rateLimitType: 'seven_day' } });
    assert.equal(detectUsageLimit({ rateLimit: warning, texts: ['done'], now: NOW }), undefined);
  });

  it('reads every text form seen in the wild, with its reset', () => {
    const cases: [string, number, string][] = [
      ['Claude AI usage limit reached|1764594000', 1764594000, 'unknown'],
      ["You've hit your limit · resets 3pm (Europe/Lisbon)", epoch('2025-12-01T15:00:00Z'), 'unknown'],
      ["You've hit your session limit · resets 8pm (America/New_York)", epoch('2025-12-02T01:00:00Z'), 'five_hour'],
      ['5-hour limit reached ∙ resets 3am', epoch('2025-12-02T03:00:00Z'), 'five_hour'],
      ["You've hit your weekly limit · resets Tuesday", epoch('2025-12-02T00:00:00Z'), 'seven_day'],
      ["You've hit your 5-hour limit · resets 9:23am (UTC)", epoch('2025-12-02T09:23:00Z'), 'five_hour'],
    ];
    for (const [text, resetsAt, type] of cases) {
      assert.ok(isUsageLimitText(text), text);
      const limit = detectUsageLimit({ texts: [undefined, text], now: NOW });
      assert.equal(limit?.resetsAt, resetsAt, text);
      assert.equal(limit?.limitType, type, text);
    }
  });

  it('waits a while and looks again when the text names no reset', () => {
    assert.equal(resetOfText('usage limit reached', NOW), undefined);
    const limit = detectUsageLimit({ texts: ['Claude AI usage limit reached'], now: NOW });
    assert.equal(limit?.resetsAt, NOW.getTime() / 1000 + 15 * 60);
  });

  it('says when the item resumes', () => {
    assert.equal(usageLimitDetail({ limitType: 'five_hour', resetsAt: epoch('2025-12-01T15:00:00Z') }, NOW.getTime()), 'usage limit (five_hour): resumes at 15:00 UTC');
    assert.match(usageLimitDetail({ limitType: 'seven_day', resetsAt: epoch('2025-12-02T00:00:00Z') }, NOW.getTime()), /on 2025-12-02/);
  });
});
