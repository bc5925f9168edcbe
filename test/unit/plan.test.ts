/** Plan validation: every kind of bad input is rejected with a message naming file, item and field. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadNativePlan } from '../../client/importers/native';
import { PlanError } from '../../common/plan-schema';
import { AUTH_EPIC } from '../helpers/plans';
import { tempDir } from '../helpers/repo';

async function problemsOf(text: string, name = 'plan.yaml'): Promise<{ file: string; problems: string[] }> {
  const dir = tempDir('plan');
  const file = path.join(dir, name);
  writeFileSync(file, text);
  try {
    await loadNativePlan(file, { repo: dir });
  } catch (err) {
    assert.ok(err instanceof PlanError, `expected a PlanError, got ${err}`);
    return { file: err.file, problems: err.problems };
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
    assert.match(r.problems[0], /invalid JSON: .*position|invalid JSON: Unexpected token/);
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
    assert.deepEqual(r.problems.sort(), ['settings.agent: unknown setting "modle"', 'settings: unknown setting "maxParalel"'].sort());
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

describe('published JSON Schema', () => {
  it('schema/epic-plan.schema.json is up to date with the validation the CLI does', async () => {
    const { readFileSync } = await import('node:fs');
    const { planJsonSchema } = await import('../../common/plan-schema');
    const committed = JSON.parse(readFileSync(new URL('../../schema/epic-plan.schema.json', import.meta.url), 'utf8'));
    assert.deepEqual(committed, JSON.parse(JSON.stringify(planJsonSchema())), 'run `npx tsx scripts/write-plan-schema.ts`');
    assert.deepEqual(committed.required, ['epicId', 'title', 'items']);
    assert.equal(committed.additionalProperties, false);
  });
});
