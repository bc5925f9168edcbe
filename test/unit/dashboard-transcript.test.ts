/** The dashboard's transcript rendering, on a recorded real Claude Code 2.1.329 stream, and its same-origin rule. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTranscript, tokenTotals } from '../../client/dashboard/transcript';
import { sameOriginProblem } from '../../client/dashboard/security';

const EVENTS = fileURLToPath(new URL('../fixtures/real-claude-events', import.meta.url));

describe('dashboard transcripts', () => {
  it('renders a real session: start, assistant text, tool calls with input, tool results, the end', async () => {
    const entries = await renderTranscript(path.join(EVENTS, 'implement-success.jsonl'));
    const kinds = entries.map((e) => e.kind);
    assert.equal(kinds[0], 'system');
    assert.match(entries[0].text, /session started \(model claude-opus-5-5\)/);
    assert.equal(kinds.filter((k) => k === 'tool_call').length, 3);
    assert.equal(kinds.filter((k) => k === 'tool_result').length, 3);
    assert.ok(kinds.includes('assistant'));
    assert.equal(kinds.at(-1), 'result');
    const call = entries.find((e) => e.kind === 'tool_call')!;
    assert.ok('tool' in call && call.tool.length > 0);
    assert.doesNotThrow(() => JSON.parse(call.text), 'tool input shown as JSON');
    const tokens = await tokenTotals([path.join(EVENTS, 'implement-success.jsonl'), '/nonexistent/transcript.jsonl']);
    assert.ok(tokens.output > 0, JSON.stringify(tokens));
    assert.equal(tokens.missing, 1);
  });

  it('state-changing requests: same-origin JSON only', () => {
    assert.equal(sameOriginProblem('GET', undefined, 'h:1', undefined), undefined);
    assert.equal(sameOriginProblem('POST', 'http://127.0.0.1:8234', '127.0.0.1:8234', 'application/json'), undefined);
    assert.match(sameOriginProblem('POST', 'http://evil.example', '127.0.0.1:8234', 'application/json')!, /cross-origin/);
    assert.match(sameOriginProblem('POST', undefined, '127.0.0.1:8234', 'application/json')!, /needs Origin/);
    assert.match(sameOriginProblem('POST', 'http://127.0.0.1:8234', '127.0.0.1:8234', 'application/x-www-form-urlencoded')!, /application\/json/);
  });
});
