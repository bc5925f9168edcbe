/** Plan validation: every kind of bad input is rejected with a message naming file, item and field. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadNativePlan } from '../../client/importers/native';
import { PlanError } from '../../common/plan-schema';
import { AUTH_EPIC } from '../helpers/plans';
import { tempDir } from '../helpers/repo';

async function problemsOf(text: string, name = 'plan.yaml'): Promise<{ file: string; problems: string[]; located: string[] }> {
  const dir = tempDir('plan');
  const file = path.join(dir, name);
  writeFileSync(file, text);
  try {
    await loadNativePlan(file, { repo: dir });
  } catch (err) {
    assert.ok(err instanceof PlanError, `expected a PlanError, got ${err}`);
    // Every problem ends with its position; the assertions below compare the rest (positions: their own tests).
    return { file: err.file, problems: err.problems.map((x) => x.replace(/ \(line \d+, column \d+\)$/, '')), located: err.problems };
  }
  assert.fail('the plan was accepted');
}

const item = (id: string, extra = '') => `  - id: ${id}\n    title: Item ${id}\n${extra}`;
const plan = (items: string, extra = '') => `epicId: e1\ntitle: An epic\n${extra}items:\n${items}`;

describe('native plan validation', () => {
  it('accepts the auth epic and fills defaults', async () => {
    const p = await loadNativePlan(AUTH_EPIC, { repo: '/tmp' });
    assert.equal(p.epicId, 'auth');
    assert.equal(p.items.length, 6);
    assert.equal(p.settings.maxParallel, 3);
    assert.equal(p.settings.review.enabled, true, 'the review council is on unless a plan turns it off');
    assert.deepEqual(p.items.find((i) => i.id === 'auth-6')!.dependsOn, ['auth-5', 'auth-3']);
    assert.equal(p.repo.path, '/tmp');
    assert.equal(p.repo.targetBranch, 'main');
  });

  it('rejects invalid YAML with the line', async () => {
    const r = await problemsOf('epicId: e1\ntitle: [unclosed\nitems: []\n');
    assert.match(r.file, /plan\.yaml$/);
    assert.match(r.problems[0], /invalid YAML at line \d+, column \d+/);
  });

  it('rejects invalid JSON with the position', async () => {
    const r = await problemsOf('{"epicId": "e1", "title": }', 'plan.json');
    assert.match(r.problems[0], /invalid JSON at line 1, column 27: Unexpected token/);
  });

  it('rejects an unknown dependency', async () => {
    const r = await problemsOf(plan(item('a') + item('b', '    dependsOn: [nope]\n')));
    assert.deepEqual(r.problems, ['item "b": dependsOn names unknown item "nope"']);
  });

  it('rejects a self-dependency', async () => {
    const r = await problemsOf(plan(item('a', '    dependsOn: [a]\n')));
    assert.deepEqual(r.problems, ['item "a": dependsOn names the item itself']);
  });

  it('rejects a cycle and prints it', async () => {
    const r = await problemsOf(plan(item('a', '    dependsOn: [c]\n') + item('b', '    dependsOn: [a]\n') + item('c', '    dependsOn: [b]\n')));
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0], /^dependency cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)$/);
  });

  it('rejects a duplicate id', async () => {
    const r = await problemsOf(plan(item('a') + item('a')));
    assert.deepEqual(r.problems, ['duplicate item id "a"']);
  });

  it('rejects ids with characters outside [A-Za-z0-9._-]', async () => {
    const r = await problemsOf(plan(item('"a b"') + item('"x/y"')));
    assert.deepEqual(r.problems, [
      'items[0] (item "a b").id: may only contain letters, digits, ".", "_" and "-"',
      'items[1] (item "x/y").id: may only contain letters, digits, ".", "_" and "-"',
    ]);
  });

  it('rejects an empty title', async () => {
    const r = await problemsOf(plan(`  - id: a\n    title: "  "\n`));
    assert.deepEqual(r.problems, ['items[0] (item "a").title: must not be empty']);
  });

  it('rejects an unknown setting, naming it', async () => {
    const r = await problemsOf(plan(item('a'), 'settings:\n  maxParalel: 2\n  agent:\n    modle: x\n'));
    assert.deepEqual(r.problems.sort(), ['settings.agent: unknown setting "modle", did you mean "model"?', 'settings: unknown setting "maxParalel", did you mean "maxParallel"?'].sort());
  });

  it('rejects a bad duration and a missing title', async () => {
    const r = await problemsOf(`epicId: e1\nitems:\n${item('a')}settings:\n  questionTimeout: soon\n`);
    assert.ok(r.problems.includes('title: is required'), r.problems.join('\n'));
    assert.ok(r.problems.some((p) => /^settings\.questionTimeout: must be a duration/.test(p)), r.problems.join('\n'));
  });

  it('reports a missing or empty file', async () => {
    await assert.rejects(loadNativePlan('/nonexistent/plan.yaml'), (e: PlanError) => e.problems[0] === 'file not found');
    const r = await problemsOf('');
    assert.deepEqual(r.problems, ['the file is empty']);
  });
});

describe('plan errors a person can act on', () => {
  it('names the expected type and what was found, for every wrong type', async () => {
    const r = await problemsOf(
      plan(`  - id: a\n    title: 42\n    priority: high\n  - id: b\n    title: B\n    dependsOn: a\n`, 'settings:\n  maxParallel: "three"\n  review: yes\n'),
    );
    assert.deepEqual(r.problems.sort(), [
      'items[0] (item "a").priority: expected number, got string "high"',
      'items[0] (item "a").title: expected string, got number 42',
      'items[1] (item "b").dependsOn: expected array, got string "a" (a list: write [a])',
      'settings.maxParallel: expected number, got string "three"',
      'settings.review: expected object, got string "yes" (a mapping of settings, e.g. { enabled: true })',
    ]);
  });

  it('suggests the field an unknown one was meant to be', async () => {
    const r = await problemsOf(plan(item('a', '    depends_on: [b]\n') + item('b'), 'settings:\n  maxParalel: 2\n'));
    assert.ok(r.problems.includes('items[0] (item "a"): unknown field "depends_on", did you mean "dependsOn"?'), r.problems.join('\n'));
    assert.ok(r.problems.includes('settings: unknown setting "maxParalel", did you mean "maxParallel"?'), r.problems.join('\n'));
  });

  it('gives the line and column of every problem in YAML', async () => {
    const r = await problemsOf(plan(item('a') + item('b', '    dependsOn: [nope]\n'), 'settings:\n  maxParallel: "three"\n  maxParalel: 2\n'));
    assert.deepEqual(r.located.sort(), [
      'item "b": dependsOn names unknown item "nope" (line 11, column 17)',
      'settings.maxParallel: expected number, got string "three" (line 4, column 16)',
      'settings: unknown setting "maxParalel", did you mean "maxParallel"? (line 5, column 3)',
    ]);
  });

  it('gives the line and column of every problem in JSON', async () => {
    const text = '{\n  "epicId": "e1",\n  "title": "T",\n  "settings": {"maxParallel": "three"},\n  "items": [{"id": "a", "title": "A", "dependsOn": ["a"]}]\n}\n';
    const r = await problemsOf(text, 'plan.json');
    assert.deepEqual(r.located, [
      'settings.maxParallel: expected number, got string "three" (line 4, column 31)',
      'item "a": dependsOn names the item itself (line 5, column 53)',
    ]);
    const dag = await problemsOf(text.replace('"three"', '3'), 'plan.json');
    assert.deepEqual(dag.located, ['item "a": dependsOn names the item itself (line 5, column 53)']);
  });
});

describe('published JSON Schema', () => {
  it('describes every field', async () => {
    const { planJsonSchema } = await import('../../common/plan-schema');
    const missing: string[] = [];
    const walk = (node: unknown, where: string) => {
      if (!node || typeof node !== 'object') return;
      const n = node as { properties?: Record<string, { description?: string }>; items?: unknown; anyOf?: unknown[] };
      for (const [k, v] of Object.entries(n.properties ?? {})) {
        if (!v.description) missing.push(`${where}.${k}`);
        walk(v, `${where}.${k}`);
      }
      walk(n.items, `${where}[]`);
      for (const alt of n.anyOf ?? []) walk(alt, where);
    };
    walk(planJsonSchema(), 'plan');
    assert.deepEqual(missing, []);
  });

  it('schema/epic-plan.schema.json is up to date with the validation the CLI does', async () => {
    const { readFileSync } = await import('node:fs');
    const { planJsonSchema } = await import('../../common/plan-schema');
    const committed = JSON.parse(readFileSync(new URL('../../schema/epic-plan.schema.json', import.meta.url), 'utf8'));
    assert.deepEqual(committed, JSON.parse(JSON.stringify(planJsonSchema())), 'run `npx tsx scripts/write-plan-schema.ts`');
    assert.deepEqual(committed.required, ['epicId', 'title', 'items']);
    assert.equal(committed.additionalProperties, false);
  });
});
