/**
 * The claude-code-workflow importer: the shared session imports to exactly its EXPECTED.md DAG; session lookup,
 * resume from every completion marker, execution models, both task schemas in the agent's prompt; every bad input
 * with its message.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadPlan } from '../../client/importers/index';
import { importCcwSession } from '../../client/importers/ccw';
import { normalizeCcwTask, roleOfTask } from '../../client/importers/ccw-task';
import { formatMermaid, formatPlan } from '../../client/format';
import { taskPrompt } from '../../activities/agent/prompts';
import { criticalPathLengths, readyItems } from '../../common/dag';
import type { EpicPlan } from '../../common/plan';
import { PlanError } from '../../common/plan-schema';
import { CCW_FIXTURE, CCW_SESSION, copyCcwFixture } from '../helpers/ccw';
import { edges, firstReady } from '../helpers/dag-view';

const item = (plan: EpicPlan, id: string) => plan.items.find((i) => i.id === id)!;

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<PlanError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    assert.ok(err instanceof PlanError, `a PlanError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a PlanError');
}

const editTask = (session: string, id: string, edit: (t: Record<string, unknown>) => void) => {
  const file = path.join(session, '.task', `${id}.json`);
  const t = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(t);
  writeFileSync(file, JSON.stringify(t));
};

describe('ccw importer: the shared session', () => {
  it('imports to exactly the EXPECTED.md DAG', async () => {
    const plan = await loadPlan(CCW_SESSION, { repo: '/tmp' });
    assert.equal(plan.epicId, 'WFS-user-auth');
    assert.equal(plan.title, 'User authentication');
    assert.equal(plan.repo.path, '/tmp');
    assert.deepEqual(plan.items.map((i) => i.id), ['IMPL-1', 'IMPL-2', 'IMPL-3', 'IMPL-4.1'], 'the container IMPL-4 is not an item');
    assert.deepEqual(plan.items.filter((i) => i.done).map((i) => i.id), ['IMPL-1'], 'IMPL-1 is done, not run');
    assert.deepEqual(edges(plan), { 'IMPL-1': [], 'IMPL-2': ['IMPL-1'], 'IMPL-3': ['IMPL-1'], 'IMPL-4.1': ['IMPL-2'] });
    assert.deepEqual(firstReady(plan), ['IMPL-2', 'IMPL-3']);
    assert.deepEqual(Object.fromEntries(plan.items.map((i) => [i.id, i.role])), {
      'IMPL-1': 'code-developer',
      'IMPL-2': 'code-developer', // legacy schema, meta.agent
      'IMPL-3': 'doc-generator', // flat schema, type docs
      'IMPL-4.1': 'test-fix-agent', // flat schema, type test-fix
    });
    // Execution model Phased: phase barriers, phases by depth.
    assert.equal(plan.settings.phaseBarriers, true);
    assert.equal(plan.settings.maxParallel, 3);
    assert.deepEqual(Object.fromEntries(plan.items.map((i) => [i.id, i.phase])), { 'IMPL-1': 0, 'IMPL-2': 1, 'IMPL-3': 1, 'IMPL-4.1': 2 });
    // IMPL-4.1 waits for IMPL-3 too (the barrier), even once IMPL-2 is done.
    const after2 = readyItems(plan.items, criticalPathLengths(plan.items), (id) => ['IMPL-3', 'IMPL-4.1'].includes(id), (id) => ['IMPL-1', 'IMPL-2'].includes(id), true);
    assert.deepEqual(after2.map((i) => i.id), ['IMPL-3']);
    assert.deepEqual(plan.source, {
      kind: 'ccw',
      sessionDir: CCW_SESSION,
      writeBack: true,
      skipped: [{ id: 'IMPL-4', reason: 'container: its subtasks IMPL-4.1 run instead' }],
    });
    assert.equal(item(plan, 'IMPL-2').group, 'parallel-api-docs');
    assert.equal(item(plan, 'IMPL-3').group, 'parallel-1');
    assert.equal(item(plan, 'IMPL-3').priority, 2);
    assert.equal(item(plan, 'IMPL-4.1').priority, 1);
  });

  it('puts requirements, acceptance criteria, focus paths, target files and steps into the agent prompt (both schemas)', async () => {
    const plan = await loadPlan(CCW_SESSION, { repo: '/tmp' });
    const prompt = (id: string) => taskPrompt({ epicId: plan.epicId, item: item(plan, id), kind: 'implement', targetBranch: 'main' });
    const legacy = prompt('IMPL-2');
    for (const want of [
      'POST /signup and POST /login issue JWTs',
      'Hash passwords with bcrypt',
      'Wrong password returns 401: verify by npm test -- auth',
      'Focus paths: src/auth, tests/auth',
      '- src/auth/routes.ts',
      '- tests/auth/routes.test.ts',
      '1. Routes — Add signup and login routes (change: src/auth/routes.ts; flow: validate → hash → sign)',
      'Read the schema summary',
      'Created the users table and its migration.', // the summary of the finished dependency
    ]) {
      assert.ok(legacy.includes(want), `IMPL-2's prompt has "${want}"`);
    }
    const flat = prompt('IMPL-3');
    for (const want of [
      'Describe /signup and /login with request and response examples in docs/auth.md.',
      'docs/auth.md lists both endpoints with examples',
      'Verify with: test -f docs/auth.md',
      'Definition of done: A new developer can call the API from the doc alone',
      'Focus paths: docs',
      '- docs/auth.md',
      'docs/auth.md: create — New document',
      '1. Write docs/auth.md',
    ]) {
      assert.ok(flat.includes(want), `IMPL-3's prompt has "${want}"`);
    }
    const sub = prompt('IMPL-4.1');
    assert.ok(sub.includes('Part of IMPL-4: Integration tests — Container for the integration test subtasks'));
    assert.ok(sub.includes('Focus paths: tests/integration'));
  });

  it('finds the session from .workflow or the project folder, and shows plan and Mermaid graph', async () => {
    for (const source of [path.join(CCW_FIXTURE, '.workflow'), CCW_FIXTURE, path.join(CCW_FIXTURE, '.workflow', 'active')]) {
      const plan = await loadPlan(source, {});
      assert.equal(plan.epicId, 'WFS-user-auth', source);
      assert.equal(plan.repo.path, CCW_FIXTURE, 'the repository defaults to the project holding .workflow');
    }
    const plan = await loadPlan(undefined, { ccw: path.join(CCW_FIXTURE, '.workflow'), repo: '/tmp' });
    assert.equal(plan.epicId, 'WFS-user-auth');
    const mermaid = formatMermaid(plan);
    assert.equal(
      mermaid,
      [
        'flowchart TD',
        '  n_IMPL_1["IMPL-1: Create user schema (done)"]',
        '  n_IMPL_2["IMPL-2: Implement auth API"]',
        '  n_IMPL_3["IMPL-3: Document the auth endpoints"]',
        '  n_IMPL_4_1["IMPL-4.1: Login flow test"]',
        '  n_IMPL_1 --> n_IMPL_2',
        '  n_IMPL_1 --> n_IMPL_3',
        '  n_IMPL_2 --> n_IMPL_4_1',
      ].join('\n'),
    );
    const text = formatPlan(plan);
    assert.match(text, /IMPL-4\.1: Login flow test after IMPL-2 \(role test-fix-agent, P1, phase 2\)/);
    assert.match(text, /execution: phase barriers on/);
    assert.match(text, /IMPL-4: container: its subtasks IMPL-4\.1 run instead/);
  });
});

describe('ccw importer: resume and execution models', () => {
  it('counts a task as done from its JSON status, a ticked TODO box, or an existing summary', () => {
    const { session } = copyCcwFixture();
    const todo = path.join(session, 'TODO_LIST.md');
    writeFileSync(todo, readFileSync(todo, 'utf8').replace('- [ ] **IMPL-2**', '- [x] **IMPL-2**'));
    writeFileSync(path.join(session, '.summaries', 'IMPL-3-summary.md'), '# IMPL-3 summary\nWrote docs/auth.md.\n');
    let plan = importCcwSession(session, { repoPath: '/tmp' });
    assert.deepEqual(plan.items.filter((i) => i.done).map((i) => i.id), ['IMPL-1', 'IMPL-2', 'IMPL-3']);
    assert.deepEqual(firstReady(plan), ['IMPL-4.1']);
    assert.ok(plan.source?.kind === 'ccw');
    assert.deepEqual(plan.source.notes, [
      'IMPL-2: TODO_LIST.md ticks it but its task JSON says "pending": treated as done',
      'IMPL-3: it has a summary but its task JSON says "pending": treated as done',
    ]);
    editTask(session, 'IMPL-4.1', (t) => (t.status = 'completed'));
    plan = importCcwSession(session, { repoPath: '/tmp' });
    assert.ok(plan.items.every((i) => i.done), 'a finished session has nothing left to run');
  });

  it('runs one task at a time for Sequential, follows the DAG alone without an execution model', () => {
    const { session } = copyCcwFixture();
    const implPlan = path.join(session, 'IMPL_PLAN.md');
    writeFileSync(implPlan, readFileSync(implPlan, 'utf8').replace('**Execution Model**: Phased', '**Execution Model**: Sequential'));
    let plan = importCcwSession(session, { repoPath: '/tmp' });
    assert.equal(plan.settings.maxParallel, 1);
    assert.equal(plan.settings.phaseBarriers, false);
    assert.ok(plan.items.every((i) => i.phase === undefined));
    rmSync(implPlan);
    plan = importCcwSession(session, { repoPath: '/tmp' });
    assert.equal(plan.settings.maxParallel, 3);
    assert.equal(plan.settings.phaseBarriers, false);
    assert.equal(plan.title, 'User authentication for the web app', 'without IMPL_PLAN.md the title is the session project');
  });

  it('asks for --session when .workflow holds several active sessions', async () => {
    const { project } = copyCcwFixture();
    const active = path.join(project, '.workflow', 'active');
    cpSync(path.join(active, 'WFS-user-auth'), path.join(active, 'WFS-billing'), { recursive: true });
    writeFileSync(path.join(active, 'WFS-billing', 'workflow-session.json'), JSON.stringify({ session_id: 'WFS-billing', project: 'Billing', status: 'active' }));
    const e = await errorOf(loadPlan(path.join(project, '.workflow'), {}));
    assert.equal(
      e.message,
      `${path.join(project, '.workflow')}: invalid plan\n  - several active sessions: WFS-billing (Billing), WFS-user-auth (User authentication for the web app); choose one with --session <id>`,
    );
    assert.equal((await loadPlan(project, { session: 'WFS-billing' })).epicId, 'WFS-billing');
    assert.equal((await loadPlan(project, { session: 'user-auth' })).epicId, 'WFS-user-auth');
    const unknown = await errorOf(loadPlan(project, { session: 'WFS-nope' }));
    assert.match(unknown.message, /no active session "WFS-nope"; sessions found: WFS-billing \(Billing\), WFS-user-auth/);
  });

  it('normalizes legacy and flat tasks alike', () => {
    const legacy = normalizeCcwTask(
      {
        id: 'IMPL-A1',
        title: 'Limiter',
        status: 'active',
        meta: { type: 'bugfix', execution_group: null },
        context: { requirements: ['Create 2 files'], focus_paths: ['src'], acceptance: ['429 over 100/min'], depends_on: ['IMPL-A0'] },
        flow_control: { target_files: ['src/app.ts:createApp:10-30', 'src/limit.ts'], implementation_approach: [] },
      },
      'x',
    );
    assert.deepEqual(legacy.files, ['src/app.ts', 'src/limit.ts']);
    assert.ok(legacy.context.includes('File changes:\n- src/app.ts:createApp:10-30'));
    assert.equal(legacy.description, 'Requirements:\n- Create 2 files');
    assert.deepEqual(legacy.dependsOn, ['IMPL-A0']);
    assert.equal(roleOfTask(legacy), 'code-developer');
    const flat = normalizeCcwTask({ title: 'Review', type: 'review', priority: 'critical', parallel_group: 2, depends_on: [], convergence: { criteria: ['ok'] } }, 'IMPL-9');
    assert.equal(flat.id, 'IMPL-9', 'the file name when the task has no id');
    assert.equal(flat.priority, 0);
    assert.equal(flat.group, 'parallel-2');
    assert.equal(roleOfTask(flat), 'universal-executor');
    assert.equal(roleOfTask(normalizeCcwTask({ id: 'a', meta: { agent: '@ai-engineer', type: 'docs' } }, 'a')), 'ai-engineer', 'meta.agent wins over the type');
  });
});

describe('ccw importer: bad input', () => {
  it('names a missing source, a folder that is not a session, and an empty session', async () => {
    let e = await errorOf(loadPlan('no/such/.workflow', {}));
    assert.equal(e.message, 'no/such/.workflow: invalid plan\n  - no such file or folder');
    const { project, session } = copyCcwFixture();
    rmSync(path.join(session, '.task'), { recursive: true });
    mkdirSync(path.join(session, '.task'));
    e = await errorOf(loadPlan(session, {}));
    assert.equal(e.message, `${session}: invalid plan\n  - no tasks: .task/ holds no IMPL-*.json files`);
    rmSync(session, { recursive: true });
    e = await errorOf(loadPlan(path.join(project, '.workflow'), {}));
    assert.match(e.message, /no active claude-code-workflow session in .*\.workflow\/active \(expected WFS-\* folders\)/);
  });

  it('names the task file, line and column of corrupted JSON, and an empty task file', async () => {
    const { session } = copyCcwFixture();
    const file = path.join(session, '.task', 'IMPL-3.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"type":"docs",', '"type":"docs",\n  "priority" "medium",'));
    let e = await errorOf(loadPlan(session, {}));
    assert.match(e.message, /^.*WFS-user-auth\/\.task\/IMPL-3\.json: invalid plan\n {2}- invalid JSON at line 2, column 14: /);
    writeFileSync(file, '');
    e = await errorOf(loadPlan(session, {}));
    assert.match(e.message, /\.task\/IMPL-3\.json: invalid plan\n {2}- the file is empty/);
  });

  it('names the task and the unknown id of a dangling dependency', async () => {
    const { session } = copyCcwFixture();
    editTask(session, 'IMPL-2', (t) => ((t.context as { depends_on: string[] }).depends_on = ['IMPL-1', 'IMPL-9']));
    const e = await errorOf(() => importCcwSession(session, { cwd: path.dirname(session) }));
    assert.equal(e.message, 'WFS-user-auth: invalid plan\n  - .task/IMPL-2.json: item "IMPL-2": depends_on names "IMPL-9", which has no task in this session');
  });

  it('names the items of a cycle', async () => {
    const { session } = copyCcwFixture();
    editTask(session, 'IMPL-2', (t) => ((t.context as { depends_on: string[] }).depends_on = ['IMPL-4']));
    const e = await errorOf(() => importCcwSession(session, { cwd: path.dirname(session) }));
    assert.equal(e.message, 'WFS-user-auth: invalid plan\n  - dependency cycle: IMPL-2 -> IMPL-4.1 -> IMPL-2');
  });

  it('names the task holding an unresolved CROSS:: placeholder', async () => {
    const { session } = copyCcwFixture();
    editTask(session, 'IMPL-3', (t) => (t.depends_on = ['IMPL-1', 'CROSS::B::api-contract']));
    const e = await errorOf(() => importCcwSession(session, { cwd: path.dirname(session) }));
    assert.equal(
      e.message,
      'WFS-user-auth: invalid plan\n  - .task/IMPL-3.json: item "IMPL-3": depends_on holds the unresolved cross-module placeholder "CROSS::B::api-contract" (ccw\'s cross-module integration did not run; replace it with a task id)',
    );
  });
});
