/**
 * The simulated agent (test/fixtures/fake-claude.mjs) against the real CLI: the stream-json events recorded from
 * Claude Code 2.1.329 in the `test:claude` tier (test/fixtures/real-claude-events/) and the events the simulation
 * emits for the same kinds of runs must have the same field sets, event type by event type, recursively for the
 * nested message / usage / tool-result shapes. Every field the real CLI sent must be there; a field only the
 * simulation has must be one the real CLI sends on the same type of event in another situation.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';

type Ev = Record<string, unknown>;

const FAKE = fileURLToPath(new URL('../fixtures/fake-claude.mjs', import.meta.url));
const REAL_DIR = fileURLToPath(new URL('../fixtures/real-claude-events/', import.meta.url));
const SCHEMA = JSON.stringify({ type: 'object', properties: { status: { type: 'string' } } });

// ---- field sets ----

/** Objects whose keys are data (model names, tool inputs, reports), not fields: compared as one opaque value. */
const OPAQUE = new Set(['input', 'structured_output', 'tool_input', 'by_type']);
/** Maps keyed by a model name: their values are compared, the keys are not. */
const MODEL_MAPS = new Set(['modelUsage', 'model_usage_since_last_result']);

function keyPaths(value: unknown, prefix: string, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) if (v && typeof v === 'object') keyPaths(v, `${prefix}[]`, out);
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const p = prefix ? `${prefix}.${k}` : k;
    out.add(p);
    if (OPAQUE.has(k)) continue;
    if (MODEL_MAPS.has(k) && v && typeof v === 'object') {
      for (const inner of Object.values(v)) keyPaths(inner, `${p}.<model>`, out);
      continue;
    }
    keyPaths(v, p, out);
  }
}

/** What kind of event this is, finely enough that two events of one signature should have the same fields. */
function signatures(events: Ev[]): { sig: string; ev: Ev }[] {
  const toolNames = new Map<string, string>();
  return events.map((ev) => {
    const message = ev.message as { content?: { type: string; id?: string; name?: string; tool_use_id?: string }[] } | undefined;
    const block = message?.content?.[0];
    switch (ev.type) {
      case 'system':
        return { sig: `system/${ev.subtype}`, ev };
      case 'assistant':
        if (block?.type === 'tool_use' && block.id) toolNames.set(block.id, block.name ?? '?');
        return { sig: ev.error ? 'assistant/api-error' : `assistant/${block?.type}`, ev };
      case 'user':
        return { sig: `user/${block?.type}/${toolNames.get(block?.tool_use_id ?? '') ?? '?'}`, ev };
      case 'result':
        return { sig: `result/${ev.subtype}/${ev.is_error ? 'is_error' : 'ok'}`, ev };
      default:
        return { sig: String(ev.type), ev };
    }
  });
}

function fieldSets(events: Ev[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const { sig, ev } of signatures(events)) {
    if (!out.has(sig)) out.set(sig, new Set());
    keyPaths(ev, '', out.get(sig)!);
  }
  return out;
}

const parse = (text: string): Ev[] => text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Ev);

// ---- the simulated agent, for the same kinds of runs as the recorded ones ----

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function simulatedEvents(): Ev[] {
  const root = mkdtempSync(path.join(os.tmpdir(), 'overseer-fidelity-'));
  roots.push(root);
  const cwd = path.join(root, 'work');
  mkdirSync(cwd);
  spawnSync('git', ['init', '-q', '-b', 'main'], { cwd });
  const scenario = path.join(root, 'scenario.json');
  writeFileSync(
    scenario,
    JSON.stringify({
      items: {
        ok: { implement: { files: { 'src/ok.txt': 'ok\n' }, bash: ['git status --short'] }, review: { bash: ['git status --short'] } },
        ask: { implement: { questions: [{ question: 'Which database?', options: ['SQLite', 'Postgres'] }] } },
        busy: { implement: { failAlways: 'rate_limit' } },
        over: { implement: { failAlways: 'overloaded' } },
        locked: { implement: { failAlways: 'auth' } },
        limited: { implement: { usageLimit: { resetInSeconds: 1 } } },
      },
    }),
  );
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OVERSEER_') && !k.startsWith('CLAUDE_')) env[k] = v;
  Object.assign(env, { CLAUDE_CONFIG_DIR: path.join(root, 'config'), ANTHROPIC_API_KEY: 'sk-test', CLAUDE_CODE_MAX_RETRIES: '1' });
  const run = (itemId: string, kind: string, ...extra: string[]): Ev[] => {
    const r = spawnSync(process.execPath, [FAKE, '--fake-scenario', scenario, '-p', `do ${itemId}`, '--output-format', 'stream-json', '--verbose', '--json-schema', SCHEMA, ...extra], {
      cwd,
      env: { ...env, OVERSEER_ITEM_ID: itemId, OVERSEER_SESSION_KIND: kind, OVERSEER_TARGET_BRANCH: 'main' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 15_000,
    });
    return parse(r.stdout);
  };
  const asked = run('ask', 'implement');
  const sessionId = String(asked[0].session_id);
  return [
    ...run('ok', 'implement'),
    ...run('ok', 'review'),
    ...asked,
    ...run('ask', 'implement', '--resume', sessionId),
    ...run('busy', 'implement'),
    ...run('over', 'implement'),
    ...run('locked', 'implement'),
    ...run('ok', 'implement', '--resume', '6f1c1f64-7f8e-4a52-9d0e-0a7a4b1d2c3e'),
    ...run('ok', 'implement', '--disallowedTools', 'Bash'),
    // Last: the limit holds the whole (simulated) account for a second.
    ...run('limited', 'implement'),
  ];
}

// ---- the comparison ----

describe('simulated agent fidelity to the real Claude Code CLI', () => {
  const realFiles = readdirSync(REAL_DIR).filter((f) => f.endsWith('.jsonl')).sort();
  const real = realFiles.flatMap((f) => parse(readFileSync(path.join(REAL_DIR, f), 'utf8')));
  const realSets = fieldSets(real);
  const fakeSets = fieldSets(simulatedEvents());
  /** Every field the real CLI sent on any event of one type (for the extra fields of the simulation). */
  const realByType = new Map<string, Set<string>>();
  for (const [sig, keys] of realSets) {
    const type = sig.split('/')[0];
    realByType.set(type, new Set([...(realByType.get(type) ?? []), ...keys]));
  }

  it('has recorded events of every kind the runner relies on', () => {
    assert.ok(realFiles.length >= 5, `recordings in ${REAL_DIR}: ${realFiles.join(', ')}`);
    for (const sig of ['system/init', 'assistant/text', 'assistant/tool_use', 'assistant/api-error', 'user/tool_result/Write', 'user/tool_result/Bash', 'user/tool_result/StructuredOutput', 'system/api_retry', 'result/success/ok', 'result/success/is_error', 'result/error_during_execution/is_error']) {
      assert.ok(realSets.has(sig), `a recorded real ${sig} event`);
    }
  });

  it('emits every event kind the real CLI emitted in these runs', () => {
    const missing = [...realSets.keys()].filter((sig) => !fakeSets.has(sig));
    assert.deepEqual(missing, [], `event kinds the simulation never emits: ${missing.join(', ')}`);
  });

  it('gives each event kind every field the real CLI gave it', () => {
    const problems: string[] = [];
    for (const [sig, keys] of realSets) {
      const fake = fakeSets.get(sig);
      if (!fake) continue;
      const missing = [...keys].filter((k) => !fake.has(k));
      if (missing.length) problems.push(`${sig} lacks ${missing.join(', ')}`);
    }
    assert.deepEqual(problems, []);
  });

  it('adds no field the real CLI never sends on that type of event', () => {
    const problems: string[] = [];
    for (const [sig, keys] of fakeSets) {
      const known = realByType.get(sig.split('/')[0]);
      if (!known) continue;
      const extra = [...keys].filter((k) => !known.has(k));
      if (extra.length) problems.push(`${sig} has ${extra.join(', ')}`);
    }
    assert.deepEqual(problems, []);
  });
});
