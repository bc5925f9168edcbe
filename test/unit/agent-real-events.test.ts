/**
 * The runner's stream parser and end-of-session classification on events recorded from the real Claude Code CLI
 * (2.1.329, test/fixtures/real-claude-events/, refreshed by the `test:claude` tier): what the runner concludes from
 * each real run is what the e2e tier needs it to conclude.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { applyEvent, newProgress, parseLine, type SessionProgress } from '../../activities/agent/stream';
import { classifySessionEnd, isSessionNotFound, type ProcessEnd } from '../../activities/agent/classify';
import { validateReport } from '../../activities/agent/report';
import { NON_RETRYABLE_AGENT_ERRORS } from '../../common/agent-errors';

const DIR = new URL('../fixtures/real-claude-events/', import.meta.url);

/** The runs of a recording: each process starts with an init line (a failed `--resume` prints only a result). */
function runs(name: string): SessionProgress[] {
  const out: SessionProgress[] = [];
  let current: SessionProgress | undefined;
  for (const line of readFileSync(fileURLToPath(new URL(`${name}.jsonl`, DIR)), 'utf8').split('\n')) {
    const ev = parseLine(line);
    if (!ev) continue;
    if (!current || (ev.type === 'system' && ev.subtype === 'init') || current.result) {
      current = newProgress();
      out.push(current);
    }
    applyEvent(current, ev);
  }
  return out;
}

const end = (exitCode: number, more: Partial<ProcessEnd> = {}): ProcessEnd => ({ exitCode, stderr: '', command: 'claude', ...more });

describe('runner on real Claude Code events', () => {
  it('accepts a successful implementation with its structured report and the CLI version', () => {
    const [run] = runs('implement-success');
    assert.equal(run.agentVersion, '2.1.329');
    assert.equal(run.lastTool, 'StructuredOutput');
    assert.equal(run.turns, 3, 'three model replies (a text and a tool call of one reply are two lines)');
    assert.deepEqual(classifySessionEnd(run, end(0)), { ok: true });
    const report = validateReport('implement', run.result!.structured_output ?? run.result!.result);
    assert.equal(report.ok && (report.value as { status: string }).status, 'done');
    const review = runs('review-success')[0];
    assert.ok(validateReport('review', review.result!.structured_output).ok);
  });

  it('fails an invalid API key at once, with an authentication message (subtype success, is_error true)', () => {
    const [run] = runs('implement-auth-failed');
    assert.equal(run.result!.subtype, 'success');
    assert.equal(run.result!.is_error, true);
    const e = classifySessionEnd(run, end(1));
    assert.equal(e.ok, false);
    if (e.ok) return;
    assert.equal(e.type, 'AgentAuthError');
    assert.equal(e.retryable, false);
    assert.ok(NON_RETRYABLE_AGENT_ERRORS.includes(e.type));
    assert.match(e.message, /authentication failed: Invalid API key/);
  });

  it('retries a session that ran out of API retries on 429, and accepts its resumed run', () => {
    const [limited, resumed] = runs('implement-rate-limited');
    assert.equal(limited.apiRetries, 1);
    assert.equal(limited.lastApiError, 'rate_limit');
    const e = classifySessionEnd(limited, end(1));
    assert.ok(!e.ok && e.retryable && e.type === 'AgentApiError', JSON.stringify(e));
    assert.equal(resumed.sessionId, limited.sessionId);
    assert.deepEqual(classifySessionEnd(resumed, end(0)), { ok: true });
  });

  it('retries a session killed while the API stalled (exit 143, no result)', () => {
    const [killed, resumed] = runs('implement-stalled');
    assert.equal(killed.result, undefined);
    const e = classifySessionEnd(killed, end(143));
    assert.ok(!e.ok && e.retryable && e.type === 'AgentKilled', JSON.stringify(e));
    assert.deepEqual(classifySessionEnd(resumed, end(0)), { ok: true });
  });

  it('recognises a --resume of a session this machine does not have (result line, no turn)', () => {
    const all = runs('implement-resume-missing');
    const missing = all.at(-1)!;
    assert.equal(missing.result!.subtype, 'error_during_execution');
    assert.ok(isSessionNotFound(missing, ''));
    assert.ok(!isSessionNotFound(all[0], ''), 'a session that took turns is not "not found"');
  });

  it('keeps a clean result when the runner had to end a process lingering after it', () => {
    const [run] = runs('implement-success');
    assert.deepEqual(classifySessionEnd(run, end(143, { killedAfterResult: true })), { ok: true });
    assert.equal(classifySessionEnd(run, end(143)).ok, false);
  });
});
