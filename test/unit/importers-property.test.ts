/**
 * Property-based tests of the Beads and ccw importers (issue 11): random and mutated exports and sessions always
 * end in a plan or a PlanError that names the file, never in another kind of crash, and never take long.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { importBeads } from '../../client/importers/beads';
import { importCcwSession } from '../../client/importers/ccw';
import { PlanError } from '../../common/plan-schema';
import { FIXTURES } from '../helpers/plans';
import { CCW_SESSION } from '../helpers/ccw';
import { tempDir } from '../helpers/repo';

const BEADS_FILE = 'issues.jsonl';
const beadsFixture = readFileSync(path.join(FIXTURES, 'beads', 'issues.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const beadsIds = beadsFixture.map((r) => String(r.id));

/** A plan, or a PlanError naming the file: anything else (a TypeError, a RangeError...) fails the property. */
function cleanOutcome(run: () => unknown, file: string): void {
  const started = Date.now();
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof PlanError, `expected a PlanError, got ${err instanceof Error ? err.stack : String(err)}`);
    assert.ok(err.message.includes(file), `the message names ${file}: ${err.message}`);
  }
  assert.ok(Date.now() - started < 2000, 'one import takes well under 2 s');
}

const anyId = fc.oneof(fc.constantFrom(...beadsIds), fc.string({ maxLength: 8 }), fc.constantFrom('', '-x', 'a'.repeat(300), 'bd-auth'));
const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  anyId,
  fc.constantFrom('open', 'closed', 'tombstone', 'deferred', 'in_progress', 'epic', 'task', 'bug'),
  fc.array(fc.record({ issue_id: anyId, depends_on_id: anyId, type: fc.constantFrom('parent-child', 'blocks', 'related', 'waits-for', 'conditional-blocks', 'x') }), { maxLength: 4 }),
);
const beadsKeys = fc.constantFrom('id', 'title', 'status', 'issue_type', 'priority', 'dependencies', 'dependents', 'labels', 'assignee', 'parent', '_type', 'description', 'acceptance_criteria', 'design', 'notes');

type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'set'; at: number; key: string; value: unknown }
  | { op: 'dupe'; at: number }
  | { op: 'garbage'; at: number; text: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), key: beadsKeys, value: fieldValue }), weight: 6 },
  { arbitrary: fc.record({ op: fc.constant('dupe' as const), at: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('garbage' as const), at: fc.nat(), text: fc.string({ maxLength: 20 }) }), weight: 1 },
);
/** Mostly the fixture's epic, so that most runs get past choosing one. */
const wantedEpic = fc.oneof({ arbitrary: fc.constant('bd-auth'), weight: 4 }, { arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: anyId, weight: 1 });

function mutatedExport(mutations: Mutation[], shape: 'jsonl' | 'array' | 'envelope'): string {
  const records: unknown[] = beadsFixture.map((r) => ({ ...r }));
  const garbage = new Map<number, string>();
  for (const m of mutations) {
    if (!records.length) break;
    const at = m.at % records.length;
    if (m.op === 'delete') records.splice(at, 1);
    else if (m.op === 'dupe') records.splice(at, 0, structuredClone(records[at]));
    else if (m.op === 'set') (records[at] as Record<string, unknown>)[m.key] = m.value;
    else garbage.set(at, m.text);
  }
  if (shape === 'array') return JSON.stringify(records);
  if (shape === 'envelope') return JSON.stringify({ schema_version: 1, data: records }, null, 2);
  return records.map((r, i) => garbage.get(i) ?? JSON.stringify(r)).join('\n');
}

const beadsOpts = (epic?: string) => ({ file: BEADS_FILE, epic, repoPath: '/repo', writeBack: false, roles: new Set(['code-developer']) });

describe('the Beads importer under random input', () => {
  it('mutated exports: a plan or a PlanError naming the file', () => {
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 8 }), fc.constantFrom('jsonl', 'array', 'envelope') as fc.Arbitrary<'jsonl' | 'array' | 'envelope'>, wantedEpic, (mutations, shape, epic) => {
        cleanOutcome(() => importBeads(mutatedExport(mutations, shape), beadsOpts(epic)), BEADS_FILE);
      }),
      { numRuns: 400 },
    );
  });

  it('random text and random JSON: a plan or a PlanError naming the file', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc.array(fc.json({ maxDepth: 2 }), { maxLength: 8 }).map((lines) => lines.join('\n')),
      fc.array(fc.dictionary(beadsKeys, fieldValue, { maxKeys: 6 }), { maxLength: 8 }).map((rs) => rs.map((r) => JSON.stringify(r)).join('\n')),
    );
    fc.assert(
      fc.property(text, wantedEpic, (t, epic) => cleanOutcome(() => importBeads(t, beadsOpts(epic)), BEADS_FILE)),
      { numRuns: 400 },
    );
  });
});

const ccwTaskFiles = readdirSync(path.join(CCW_SESSION, '.task')).filter((f) => f.endsWith('.json'));
const ccwTasks = ccwTaskFiles.map((f) => JSON.parse(readFileSync(path.join(CCW_SESSION, '.task', f), 'utf8')) as Record<string, unknown>);
const taskIds = ccwTasks.map((t) => String(t.id));
const ccwKeys = fc.constantFrom('id', 'task_id', 'title', 'status', 'depends_on', 'context', 'meta', 'flow_control', 'files', 'convergence', 'priority', 'implementation', 'pre_analysis', 'test', 'parallel_group', 'description');
const ccwValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.array(fc.oneof(fc.constantFrom(...taskIds), fc.constantFrom('CROSS::x', 'IMPL-99', 'IMPL-1.1')), { maxLength: 3 }),
  fc.record({ depends_on: fc.array(fc.constantFrom(...taskIds), { maxLength: 2 }), requirements: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }) }),
  fc.constantFrom('completed', 'pending', 'IMPL-1.1', 'IMPL-2', 'a'.repeat(300)),
);

interface SessionCase {
  edits: { task: number; key: string; value: unknown }[];
  broken: { task: number; text: string }[];
  extra: { name: string; content: unknown }[];
  todo: string;
  implPlan: string;
  sessionJson: string;
}

const sessionCase: fc.Arbitrary<SessionCase> = fc.record({
  edits: fc.array(fc.record({ task: fc.nat(), key: ccwKeys, value: ccwValue }), { maxLength: 8 }),
  broken: fc.array(fc.record({ task: fc.nat(), text: fc.string({ maxLength: 30 }) }), { maxLength: 1 }),
  extra: fc.array(fc.record({ name: fc.constantFrom('IMPL-1.1', 'IMPL-2.1.1', 'X', 'IMPL-9'), content: fc.jsonValue({ maxDepth: 2 }) }), { maxLength: 2 }),
  todo: fc.oneof(fc.constant(''), fc.constant('- [x] **IMPL-1**: done\n- [ ] **IMPL-2**: not yet\n'), fc.string({ maxLength: 40 })),
  implPlan: fc.oneof(fc.constant(''), fc.constantFrom('**Execution Model**: Phased', '**Execution Model**: Sequential', '**Execution Model**: [odd]'), fc.string({ maxLength: 40 })),
  sessionJson: fc.oneof(fc.constant('{"session_id":"WFS-prop","status":"planning"}'), fc.json({ maxDepth: 2 }), fc.string({ maxLength: 20 })),
});

function writeSession(root: string, c: SessionCase, k: number): string {
  const dir = path.join(root, '.workflow', 'active', `WFS-prop-${k}`);
  mkdirSync(path.join(dir, '.task'), { recursive: true });
  const tasks = ccwTasks.map((t) => structuredClone(t));
  for (const e of c.edits) tasks[e.task % tasks.length][e.key] = e.value;
  tasks.forEach((t, i) => writeFileSync(path.join(dir, '.task', ccwTaskFiles[i]), JSON.stringify(t)));
  for (const b of c.broken) writeFileSync(path.join(dir, '.task', ccwTaskFiles[b.task % ccwTaskFiles.length]), b.text);
  for (const x of c.extra) writeFileSync(path.join(dir, '.task', `${x.name}.json`), JSON.stringify(x.content));
  writeFileSync(path.join(dir, 'TODO_LIST.md'), c.todo);
  writeFileSync(path.join(dir, 'IMPL_PLAN.md'), c.implPlan);
  writeFileSync(path.join(dir, 'workflow-session.json'), c.sessionJson);
  return dir;
}

describe('the ccw importer under random input', () => {
  it('mutated sessions: a plan or a PlanError naming a file of the session', () => {
    const root = tempDir('ccw-prop');
    let k = 0;
    try {
      fc.assert(
        fc.property(sessionCase, (c) => {
          const dir = writeSession(root, c, k++);
          cleanOutcome(() => importCcwSession(dir, { cwd: root }), path.relative(root, dir));
          rmSync(dir, { recursive: true, force: true });
        }),
        { numRuns: 150 },
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
