/**
 * The Beads importer: the shared fixture imports to exactly its EXPECTED.md DAG in every format `bd` prints; nested
 * epics, skips and roles; a generated export of hundreds of issues; and every bad input with its message.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadPlan } from '../../client/importers/index';
import { importBeads, type BeadsImportOptions } from '../../client/importers/beads';
import { sourceNotes } from '../../client/importers/describe-source';
import { formatMermaid, formatPlan } from '../../client/format';
import { criticalPathLengths, readyItems } from '../../common/dag';
import type { EpicPlan } from '../../common/plan';
import { PlanError } from '../../common/plan-schema';
import { FIXTURES } from '../helpers/plans';
import { tempDir } from '../helpers/repo';
import { beadsProject, bdCalls, fakeBdBin, prependPath } from '../helpers/fake-bd';
import { generateBeadsExport } from '../helpers/beads-gen';
import { edges, firstReady } from '../helpers/dag-view';

const FIXTURE = path.join(FIXTURES, 'beads', 'issues.jsonl');
const fixtureText = readFileSync(FIXTURE, 'utf8');
const fixtureRecords = fixtureText
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Record<string, unknown>);

const ROLES = new Set(['backend-engineer', 'frontend-engineer', 'database-engineer', 'qa-engineer', 'code-developer']);
const opts = (o: Partial<BeadsImportOptions> = {}): BeadsImportOptions => ({ file: 'issues.jsonl', repoPath: '/repo', writeBack: false, roles: ROLES, ...o });
const jsonl = (records: object[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

const toRun = (plan: EpicPlan) => plan.items.filter((i) => !i.done).map((i) => i.id).sort();

function errorOf(fn: () => unknown): PlanError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PlanError, `a PlanError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a PlanError');
}
async function asyncErrorOf(p: Promise<unknown>): Promise<PlanError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof PlanError, `a PlanError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a PlanError');
}

/** EXPECTED.md of the Beads fixture. */
function assertFixtureDag(plan: EpicPlan, { ordered = true } = {}) {
  assert.equal(plan.epicId, 'bd-auth');
  assert.equal(plan.title, 'User authentication');
  assert.deepEqual(toRun(plan), ['bd-auth.2', 'bd-auth.3', 'bd-auth.4', 'bd-auth.5', 'bd-auth.6']);
  assert.deepEqual(plan.items.filter((i) => i.done).map((i) => i.id), ['bd-auth.1'], 'the closed child is kept as done');
  const ids = plan.items.map((i) => i.id);
  assert.ok(!ids.includes('bd-auth.7'), 'the tombstone is not imported');
  assert.ok(!ids.includes('bd-x9k2'), 'an issue that is not a child is not imported');
  assert.ok(!ids.includes('bd-auth'), 'the epic itself is not an item');
  const roles = Object.fromEntries(plan.items.map((i) => [i.id, i.role]));
  assert.deepEqual(roles, {
    'bd-auth.1': 'database-engineer',
    'bd-auth.2': 'frontend-engineer',
    'bd-auth.3': 'qa-engineer',
    'bd-auth.4': 'backend-engineer',
    'bd-auth.5': 'frontend-engineer',
    'bd-auth.6': 'qa-engineer',
  });
  assert.deepEqual(Object.fromEntries(plan.items.map((i) => [i.id, i.priority])), {
    'bd-auth.1': 1,
    'bd-auth.2': 2,
    'bd-auth.3': 2,
    'bd-auth.4': 1,
    'bd-auth.5': 1,
    'bd-auth.6': 1,
  });
  if (!ordered) return;
  assert.deepEqual(edges(plan), {
    'bd-auth.1': [],
    'bd-auth.2': [], // the `related` edge to bd-x9k2 orders nothing
    'bd-auth.3': [],
    'bd-auth.4': ['bd-auth.1'],
    'bd-auth.5': ['bd-auth.4'],
    'bd-auth.6': ['bd-auth.3', 'bd-auth.5'],
  });
  assert.deepEqual(firstReady(plan), ['bd-auth.2', 'bd-auth.3', 'bd-auth.4']);
}

describe('Beads importer: the shared fixture', () => {
  it('imports bd export JSONL to exactly the EXPECTED.md DAG', async () => {
    const plan = await loadPlan(FIXTURE, { epic: 'bd-auth', repo: '/tmp' });
    assertFixtureDag(plan);
    const item2 = plan.items.find((i) => i.id === 'bd-auth.2')!;
    assert.deepEqual(item2.links, [{ type: 'related', target: 'bd-x9k2' }], 'the related edge is kept as a link');
    assert.equal(item2.description, 'Design auth UI mockups for the auth epic.');
    assert.deepEqual(item2.acceptance, ['Reviewed and merged with tests passing.']);
    assert.ok(item2.context?.some((c) => c.includes('User authentication')), 'the epic is context for the agent');
    assert.equal(plan.source?.kind, 'beads');
    if (plan.source?.kind !== 'beads') return;
    assert.equal(plan.source.epic, 'bd-auth');
    assert.equal(plan.source.file, FIXTURE);
    assert.deepEqual(plan.source.skipped, [{ id: 'bd-auth.7', reason: 'deleted (tombstone)' }]);
    assert.equal(plan.repo.path, '/tmp');
  });

  it('picks the only epic when --epic is not given', async () => {
    assertFixtureDag(await loadPlan(FIXTURE, {}));
  });

  it('reads an older .beads/issues.jsonl without _type', () => {
    const old = fixtureRecords.filter((r) => r._type === 'issue').map(({ _type, ...rest }) => (void _type, rest));
    assertFixtureDag(importBeads(jsonl(old), opts({ epic: 'bd-auth' })));
  });

  it('reads `bd show --json` (dependencies as issue copies) in the {schema_version, data} envelope, pretty-printed', () => {
    const byId = new Map(fixtureRecords.map((r) => [r.id as string, r]));
    const shown = fixtureRecords
      .filter((r) => r._type === 'issue')
      .map(({ _type, dependencies, ...rest }) => {
        void _type;
        const deps = ((dependencies as { depends_on_id: string; type: string }[] | undefined) ?? []).map((d) => {
          const { dependencies: _d, _type: _t, ...copy } = byId.get(d.depends_on_id)!;
          void _d;
          void _t;
          return { ...copy, dependency_type: d.type };
        });
        return { ...rest, ...(deps.length && { dependencies: deps }) };
      });
    const text = JSON.stringify({ schema_version: 1, data: shown }, null, 2);
    assertFixtureDag(importBeads(text, opts({ epic: 'bd-auth' })));
  });

  it('reads `bd list --json --all` (a raw array, children by their parent field) and says the ordering is missing', () => {
    const listed = fixtureRecords
      .filter((r) => r._type === 'issue')
      .map(({ _type, dependencies, ...rest }) => {
        void _type;
        const parent = ((dependencies as { depends_on_id: string; type: string }[] | undefined) ?? []).find((d) => d.type === 'parent-child');
        return { ...rest, ...(parent && { parent: parent.depends_on_id }) };
      });
    const plan = importBeads(JSON.stringify(listed, null, 2), opts({ epic: 'bd-auth' }));
    assertFixtureDag(plan, { ordered: false });
    assert.ok(plan.items.every((i) => i.dependsOn.length === 0));
    assert.match(sourceNotes(plan).join('\n'), /no dependency edges .*bd export/);
  });

  it('shows the plan and its Mermaid graph', async () => {
    const plan = await loadPlan(FIXTURE, { epic: 'bd-auth', repo: '/tmp' });
    const mermaid = formatMermaid(plan);
    assert.match(mermaid, /^flowchart TD/);
    assert.match(mermaid, /n_bd_auth_1\["bd-auth\.1: Create user schema \(done\)"\]/);
    for (const [from, to] of [['1', '4'], ['4', '5'], ['5', '6'], ['3', '6']]) assert.ok(mermaid.includes(`n_bd_auth_${from} --> n_bd_auth_${to}`), `${from} → ${to}`);
    assert.equal((mermaid.match(/-->/g) ?? []).length, 4);
    const text = formatPlan(plan);
    assert.match(text, /bd-auth\.6: Execute integration tests after bd-auth\.3, bd-auth\.5 \(role qa-engineer, P1\)/);
    assert.match(text, /bd-auth\.7: deleted \(tombstone\)/);
  });
});

describe('Beads importer: structure and statuses', () => {
  const base = { created_at: '2026-11-02T10:00:00Z', updated_at: '2026-11-02T10:00:00Z', priority: 2, issue_type: 'task', status: 'open' };
  const child = (id: string, parent: string, extra: Record<string, unknown> = {}, deps: [string, string][] = []) => ({
    ...base,
    id,
    title: `Task ${id}`,
    ...extra,
    dependencies: [[parent, 'parent-child'], ...deps].map(([to, type]) => ({ issue_id: id, depends_on_id: to, type })),
  });

  it('flattens nested epics with their own dependencies, by parent-child edges and not by id shape', () => {
    const text = jsonl([
      { _type: 'issue', ...base, id: 'app-k3', title: 'Checkout', issue_type: 'epic' },
      { _type: 'issue', ...child('app-a1', 'app-k3') },
      // A nested epic with hash ids; it waits for app-a1, and app-z9 waits for it.
      { _type: 'issue', ...child('app-n7', 'app-k3', { issue_type: 'epic', title: 'Payments' }, [['app-a1', 'blocks']]) },
      { _type: 'issue', ...child('app-p1', 'app-n7') },
      { _type: 'issue', ...child('app-p2', 'app-n7', {}, [['app-p1', 'conditional-blocks']]) },
      { _type: 'issue', ...child('app-z9', 'app-k3', {}, [['app-n7', 'waits-for']]) },
      // Looks like a child by its id, but no parent-child edge: not part of the epic.
      { _type: 'issue', ...base, id: 'app-k3.1', title: 'Not a child' },
    ]);
    const plan = importBeads(text, opts({ epic: 'app-k3' }));
    assert.deepEqual(edges(plan), { 'app-a1': [], 'app-p1': ['app-a1'], 'app-p2': ['app-a1', 'app-p1'], 'app-z9': ['app-p1', 'app-p2'] });
    assert.deepEqual(firstReady(plan), ['app-a1']);
    assert.equal(plan.items.find((i) => i.id === 'app-p1')!.group, 'app-n7');
    assert.ok(plan.items.find((i) => i.id === 'app-p1')!.context!.some((c) => c.startsWith('Part of app-n7: Payments')));
    if (plan.source?.kind === 'beads') assert.deepEqual(plan.source.skipped, [{ id: 'app-n7', reason: 'nested epic: flattened into its children' }]);
  });

  it('skips deferred children and whatever waits for them or for open work outside the epic; opaque statuses and types run', () => {
    const text = jsonl([
      { _type: 'issue', ...base, id: 'e', title: 'Epic', issue_type: 'epic' },
      { _type: 'issue', ...child('e.1', 'e', { status: 'deferred' }) },
      { _type: 'issue', ...child('e.2', 'e', {}, [['e.1', 'blocks']]) },
      { _type: 'issue', ...child('e.3', 'e', { status: 'hooked', issue_type: 'spike' }, [['x-open', 'blocks']]) },
      { _type: 'issue', ...child('e.4', 'e', { status: 'review', issue_type: 'decision' }, [['x-done', 'blocks'], ['x-open', 'related']]) },
      { _type: 'issue', ...child('e.5', 'e', { status: 'in_progress' }, [['e.4', 'waits-for']]) },
      { _type: 'issue', ...base, id: 'x-open', title: 'Elsewhere, open' },
      { _type: 'issue', ...base, id: 'x-done', title: 'Elsewhere, closed', status: 'closed' },
    ]);
    const plan = importBeads(text, opts({ epic: 'e' }));
    assert.deepEqual(edges(plan), { 'e.4': [], 'e.5': ['e.4'] });
    assert.deepEqual(plan.items.find((i) => i.id === 'e.4')!.links, [
      { type: 'blocks', target: 'x-done' },
      { type: 'related', target: 'x-open' },
    ]);
    assert.ok(plan.source?.kind === 'beads');
    assert.deepEqual(plan.source.skipped, [
      { id: 'e.1', reason: 'deferred' },
      { id: 'e.2', reason: 'waits for e.1, which is skipped' },
      { id: 'e.3', reason: 'waits for x-open (open, outside epic e)' },
    ]);
    assert.match(formatPlan(plan), /left out \(3\):\n {2}e\.1: deferred/);
  });

  it('takes the role from a role: label, else from an assignee naming a role; keeps priorities 0–4', () => {
    const text = jsonl([
      { _type: 'issue', ...base, id: 'e', title: 'Epic', issue_type: 'epic' },
      { _type: 'issue', ...child('e.1', 'e', { labels: ['ui', 'role:frontend-engineer'], assignee: 'qa-engineer', priority: 0 }) },
      { _type: 'issue', ...child('e.2', 'e', { assignee: 'qa-engineer', priority: 4 }) },
      { _type: 'issue', ...child('e.3', 'e', { assignee: 'alice', priority: 3 }) },
      { _type: 'issue', ...child('e.4', 'e', { acceptance_criteria: '- [ ] renders\n- [ ] has tests\n', design: 'Use the grid.', notes: 'Ask Bo.' }) },
    ]);
    const plan = importBeads(text, opts({ epic: 'e' }));
    assert.deepEqual(
      plan.items.map((i) => [i.id, i.role, i.priority]),
      [
        ['e.1', 'frontend-engineer', 0],
        ['e.2', 'qa-engineer', 4],
        ['e.3', undefined, 3],
        ['e.4', undefined, 2],
      ],
    );
    const e4 = plan.items.find((i) => i.id === 'e.4')!;
    assert.deepEqual(e4.acceptance, ['renders', 'has tests']);
    assert.ok(e4.context!.includes('Design:\nUse the grid.') && e4.context!.includes('Notes:\nAsk Bo.'));
    // Dispatch goes by priority: the P0 item first.
    assert.equal(readyItems(plan.items, criticalPathLengths(plan.items), () => true, () => false)[0].id, 'e.1');
  });

  it("takes estimated_minutes as the item's estimate, which orders items of the same priority", () => {
    const text = jsonl([
      { _type: 'issue', ...base, id: 'e', title: 'Epic', issue_type: 'epic' },
      { _type: 'issue', ...child('e.1', 'e', { estimated_minutes: 15 }) },
      { _type: 'issue', ...child('e.2', 'e', { estimated_minutes: 240 }) },
      { _type: 'issue', ...child('e.3', 'e', {}) },
    ]);
    const plan = importBeads(text, opts({ epic: 'e' }));
    assert.deepEqual(plan.items.map((i) => [i.id, i.estimate]), [['e.1', '15m'], ['e.2', '240m'], ['e.3', undefined]]);
    assert.equal(readyItems(plan.items, criticalPathLengths(plan.items), () => true, () => false)[0].id, 'e.2');
  });
});

describe('Beads importer: a generated export of hundreds of issues', () => {
  it('imports each of its epics to the DAG it was built with', () => {
    const gen = generateBeadsExport({ epics: 60, seed: 7 });
    assert.ok(gen.issueCount >= 500, `${gen.issueCount} issues`);
    assert.ok(gen.epics.length >= 50);
    for (const t of ['blocks', 'conditional-blocks', 'waits-for', 'parent-child', 'related', 'discovered-from']) assert.ok(gen.edgeTypes.has(t), `edge type ${t}`);
    let nested = 0;
    let skipped = 0;
    for (const epic of gen.epics) {
      const plan = importBeads(gen.text, opts({ file: 'big.jsonl', epic: epic.id }));
      assert.deepEqual(plan.items.map((i) => i.id).sort(), [...epic.items.keys()].sort(), `items of ${epic.id}`);
      for (const item of plan.items) {
        const want = epic.items.get(item.id)!;
        assert.deepEqual([...item.dependsOn].sort(), want.dependsOn, `dependencies of ${item.id} in ${epic.id}`);
        assert.equal(Boolean(item.done), want.done, `done of ${item.id}`);
        assert.equal(item.role, want.role, `role of ${item.id}`);
        assert.equal(item.priority, want.priority, `priority of ${item.id}`);
      }
      assert.ok(plan.source?.kind === 'beads');
      assert.deepEqual(new Set((plan.source.skipped ?? []).map((s) => s.id)), epic.skipped, `skipped children of ${epic.id}`);
      if ((plan.source.skipped ?? []).some((s) => s.reason.startsWith('nested'))) nested++;
      skipped += epic.skipped.size;
      // The first ready set: not done, every dependency done.
      const done = new Set([...epic.items].filter(([, v]) => v.done).map(([k]) => k));
      const wantReady = [...epic.items].filter(([, v]) => !v.done && v.dependsOn.every((d) => done.has(d))).map(([id]) => id).sort();
      assert.deepEqual(firstReady(plan), wantReady, `first ready set of ${epic.id}`);
    }
    assert.ok(nested >= 10 && skipped >= 30, `the export exercises nesting (${nested}) and skips (${skipped})`);
  });
});

describe('Beads importer: bad input', () => {
  const base = { _type: 'issue', priority: 1, status: 'open', issue_type: 'task' };

  it('names a missing or empty source', async () => {
    let e = await asyncErrorOf(loadPlan('no/such/issues.jsonl', { epic: 'x' }));
    assert.equal(e.message, 'no/such/issues.jsonl: invalid plan\n  - no such file or folder');
    const dir = tempDir('beads-bad');
    const empty = path.join(dir, 'empty.jsonl');
    writeFileSync(empty, '\n  \n');
    e = await asyncErrorOf(loadPlan(empty, {}));
    assert.match(e.message, /empty\.jsonl: invalid plan\n {2}- the file is empty/);
    const memories = path.join(dir, 'memories.jsonl');
    writeFileSync(memories, jsonl([{ _type: 'memory', key: 'a', value: 'b' }]));
    e = await asyncErrorOf(loadPlan(memories, {}));
    assert.match(e.message, /memories\.jsonl: invalid plan\n {2}- no issues found \(1 non-issue record skipped\)/);
  });

  it('lists the epics found when --epic names none of them, or is missing with several', () => {
    const text = jsonl([
      { ...base, id: 'a', title: 'Alpha', issue_type: 'epic' },
      { ...base, id: 'a.1', title: 'A1', dependencies: [{ issue_id: 'a.1', depends_on_id: 'a', type: 'parent-child' }] },
      { ...base, id: 'b', title: 'Beta', issue_type: 'feature' },
      { ...base, id: 'b.1', title: 'B1', dependencies: [{ issue_id: 'b.1', depends_on_id: 'b', type: 'parent-child' }] },
      { ...base, id: 'c', title: 'Lonely task' },
    ]);
    let e = errorOf(() => importBeads(text, opts({ epic: 'zz' })));
    assert.equal(e.message, 'issues.jsonl: invalid plan\n  - no epic "zz" in this source; epics found: a (Alpha, 1 child), b (Beta, 1 child)');
    e = errorOf(() => importBeads(text, opts()));
    assert.match(e.message, /several epics: choose one with --epic <id> \(epics found: a \(Alpha, 1 child\), b \(Beta, 1 child\)\)/);
    e = errorOf(() => importBeads(text, opts({ epic: 'c' })));
    assert.match(e.message, /"c" has no children \(parent-child dependencies\), so there is nothing to run; epics found: a/);
  });

  it('names the file, line and column of corrupted JSON', () => {
    const lines = fixtureText.split('\n');
    lines[3] = lines[3].slice(0, 40) + lines[3].slice(41); // break one record in the middle
    let e = errorOf(() => importBeads(lines.join('\n'), opts({ file: 'export.jsonl', epic: 'bd-auth' })));
    assert.match(e.message, /^export\.jsonl: invalid plan\n {2}- line 4: invalid JSON at column \d+: /);
    e = errorOf(() => importBeads('[\n  {"id": "a",\n   "title": "x",,}\n]', opts({ file: 'list.json' })));
    assert.match(e.message, /^list\.json: invalid plan\n {2}- invalid JSON at line 3, column 17: /);
    e = errorOf(() => importBeads('{\n  "schema_version": 1,\n  "data": [\n', opts({ file: 'show.json' })));
    assert.match(e.message, /^show\.json: invalid plan\n {2}- invalid JSON at line 4, column 1: the text ends in the middle of a value/);
  });

  it('names the item and the missing issue of a dangling dependency', () => {
    const text = fixtureText.replace('"depends_on_id":"bd-auth.4","type":"blocks"', '"depends_on_id":"bd-gone","type":"blocks"');
    const e = errorOf(() => importBeads(text, opts({ epic: 'bd-auth' })));
    assert.equal(e.message, 'issues.jsonl: invalid plan\n  - item "bd-auth.5": depends on "bd-gone" (blocks), which is not in this source');
  });

  it('names the items of a cycle', () => {
    const text = fixtureText.replace(
      '"dependencies":[{"issue_id":"bd-auth.4","depends_on_id":"bd-auth","type":"parent-child"',
      '"dependencies":[{"issue_id":"bd-auth.4","depends_on_id":"bd-auth.6","type":"waits-for"},{"issue_id":"bd-auth.4","depends_on_id":"bd-auth","type":"parent-child"',
    );
    const e = errorOf(() => importBeads(text, opts({ epic: 'bd-auth' })));
    assert.equal(e.message, 'issues.jsonl: invalid plan\n  - dependency cycle: bd-auth.4 -> bd-auth.5 -> bd-auth.6 -> bd-auth.4');
  });

  it('names the item whose role label is not a role name', () => {
    const text = fixtureText.replace('role:qa-engineer', 'role:QA lead');
    const e = errorOf(() => importBeads(text, opts({ epic: 'bd-auth' })));
    assert.match(e.message, /item "bd-auth\.3"\)\.role: must be a role name/);
  });
});

describe('Beads importer: --beads reads `bd export`', () => {
  it('runs bd export where the user is, and turns write-back on only when bd is on PATH', async () => {
    const project = beadsProject(fixtureText);
    let e = await asyncErrorOf(withPathOnly(tempDir('empty-bin'), () => loadPlan(undefined, { beads: true, cwd: project })));
    assert.match(e.message, /^--beads: invalid plan\n {2}- `bd` is not on PATH/);

    const restore = prependPath(fakeBdBin());
    try {
      const plan = await loadPlan(undefined, { beads: true, epic: 'bd-auth', cwd: project, repo: '/tmp' });
      assertFixtureDag(plan);
      assert.deepEqual(bdCalls(project), [{ argv: ['export'], cwd: project }]);
      assert.ok(plan.source?.kind === 'beads');
      assert.equal(plan.source.writeBack, true);
      assert.equal(plan.source.cwd, project);
      assert.equal(plan.source.file, undefined);
      assert.deepEqual(sourceNotes(plan), []);
      // A file inside .beads/: bd runs in the project that holds it.
      const fromFile = await loadPlan(path.join(project, '.beads'), { cwd: tempDir('elsewhere') });
      assert.ok(fromFile.source?.kind === 'beads');
      assert.equal(fromFile.source.cwd, project);

      // bd export failing is reported, not swallowed.
      const broken = tempDir('no-beads');
      e = await asyncErrorOf(loadPlan(undefined, { beads: true, cwd: broken }));
      assert.match(e.message, /^bd export: invalid plan\n {2}- failed \(exit 1\): Error: no beads database found/);
    } finally {
      restore();
    }
    const off = await withPathOnly(tempDir('empty-bin'), () => loadPlan(FIXTURE, { epic: 'bd-auth' }));
    assert.ok(off.source?.kind === 'beads' && off.source.writeBack === false);
    assert.deepEqual(sourceNotes(off), ['`bd` is not on PATH: write-back to Beads is off (items will not be claimed or closed there)']);
  });
});

async function withPathOnly<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env.PATH;
  process.env.PATH = dir;
  try {
    return await fn();
  } finally {
    process.env.PATH = before;
  }
}
