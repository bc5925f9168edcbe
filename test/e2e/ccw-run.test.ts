/**
 * The claude-code-workflow fixture end to end, on a copy of the session: every runnable task merges on a throwaway
 * repository with the simulated agent (Phased: the subtask waits for the whole earlier phase), and the session
 * records it the way ccw does — task status and history, ticked boxes, summaries, session status. A session
 * interrupted half way resumes with what is left.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { epicStatusQuery } from '../../common/api';
import { epicWorkflowId, TASK_QUEUE } from '../../common/ids';
import type { EpicResult } from '../../common/status';
import { loadPlan } from '../../client/importers/index';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges, sh } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { withAgent } from '../helpers/plans';
import { CCW_SESSION, copyCcwFixture, readJson } from '../helpers/ccw';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e));

/** Where a finished session is archived: `.workflow/archives/<session>`. */
const archivedPath = (active: string) => path.join(path.dirname(path.dirname(active)), 'archives', path.basename(active));

const mergedIds = (repo: string) => merges(repo).map((m) => /^Merge ([^:]+):/.exec(m.subject)![1]);

describe('claude-code-workflow session end to end', () => {
  it('merges every runnable task, phase by phase, and writes the progress back into the session', async () => {
    const { session: active } = copyCcwFixture();
    const repo = makeRepo('ccw-run');
    const plan = withAgent(await loadPlan(active, { repo }), fakeAgent({}).command);
    const result: EpicResult = await env.client.workflow.execute('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });

    assert.equal(result.phase, 'completed');
    // Completed like `/workflow:session:complete` (settings.completion defaults to auto): archived, in the manifest.
    const session = archivedPath(active);
    assert.ok(!existsSync(active) && existsSync(session), 'the session moved to .workflow/archives/');
    const manifest = readJson(path.join(path.dirname(session), 'manifest.json')) as { archives: { session_id: string; status: string }[] };
    assert.deepEqual(manifest.archives.map((e) => [e.session_id, e.status]), [['WFS-user-auth', 'completed']]);
    assert.ok(!Number.isNaN(Date.parse(readJson(path.join(session, 'workflow-session.json')).archived_at as string)));
    assert.deepEqual(Object.fromEntries(result.items.map((i) => [i.itemId, i.state])), { 'IMPL-1': 'done', 'IMPL-2': 'merged', 'IMPL-3': 'merged', 'IMPL-4.1': 'merged' });
    const order = mergedIds(repo);
    assert.deepEqual([...order].sort(), ['IMPL-2', 'IMPL-3', 'IMPL-4.1']);
    assert.equal(order[2], 'IMPL-4.1', 'phase 2 starts only when all of phase 1 merged');
    const tree = sh(repo, 'ls-tree', '-r', '--name-only', 'main').split('\n');
    for (const id of ['IMPL-2', 'IMPL-3', 'IMPL-4.1']) assert.ok(tree.includes(`overseer-sim/${id}.md`), `${id}'s work is on main`);

    // The session, as ccw's own executor would leave it.
    const task = (id: string) => readJson(path.join(session, '.task', `${id}.json`));
    const mergeOf = Object.fromEntries(result.items.map((i) => [i.itemId, i.mergeCommit!]));
    for (const id of ['IMPL-2', 'IMPL-3', 'IMPL-4.1']) {
      const t = task(id);
      assert.equal(t.status, 'completed', id);
      const history = t.status_history as { from: string; to: string; changed_at: string }[];
      assert.deepEqual(history.map((h) => `${h.from}→${h.to}`), ['pending→in_progress', 'in_progress→completed'], id);
      assert.equal(t.completed_at, history[1].changed_at);
      const summary = readFileSync(path.join(session, '.summaries', `${id}-summary.md`), 'utf8');
      assert.match(summary, new RegExp(`^# ${id.replace('.', '\\.')} summary\\nImplemented .+\\n\\nMerged by Overseer as ${mergeOf[id]}\\.\\n$`));
    }
    assert.equal(task('IMPL-4').status, 'completed', 'the container completes with its last subtask');
    assert.equal(
      readFileSync(path.join(session, '.task', 'IMPL-1.json'), 'utf8'),
      readFileSync(path.join(CCW_SESSION, '.task', 'IMPL-1.json'), 'utf8'),
      'the completed task is untouched',
    );
    const todo = readFileSync(path.join(session, 'TODO_LIST.md'), 'utf8');
    assert.ok(todo.includes('- [x] **IMPL-2**: Implement auth API → [📋](./.task/IMPL-2.json) | [✅](./.summaries/IMPL-2-summary.md)'));
    assert.ok(todo.includes('- [x] **IMPL-3**: Document the auth endpoints → [📋](./.task/IMPL-3.json) | [✅](./.summaries/IMPL-3-summary.md)'));
    assert.ok(todo.includes('  - [x] **IMPL-4.1**: Login flow test → [📋](./.task/IMPL-4.1.json) | [✅](./.summaries/IMPL-4.1-summary.md)'));
    assert.doesNotMatch(todo, /^\s*- \[ \] \*\*/m, 'no task box left open');
    const meta = readJson(path.join(session, 'workflow-session.json'));
    assert.equal(meta.status, 'completed');
    assert.ok(!Number.isNaN(Date.parse(meta.completed_at as string)));
    for (const dir of [session, path.join(session, '.task'), path.join(session, '.summaries')]) {
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock')), [], `nothing half-written in ${dir}`);
    }
    const status = await env.client.workflow.getHandle(epicWorkflowId(plan.epicId)).query(epicStatusQuery);
    for (const s of status.items) assert.equal(s.writeBackErrors, undefined, `${s.itemId} wrote back without errors`);

    // Imported again, the session has nothing left to run; running it merges nothing new.
    const again = withAgent(await loadPlan(session, { repo }), fakeAgent({}).command);
    assert.ok(again.items.every((i) => i.done));
    const second: EpicResult = await env.client.workflow.execute('epicWorkflow', { workflowId: epicWorkflowId(again.epicId), taskQueue: TASK_QUEUE, args: [again] });
    assert.equal(second.phase, 'completed');
    assert.equal(merges(repo).length, 3);
  });

  it('resumes an interrupted session with what is left, marking the session active while it runs', async () => {
    const { session: active } = copyCcwFixture();
    const session = active;
    // ccw itself finished IMPL-2 (ticked and summarized) before it stopped; the session was left "paused".
    const todoFile = path.join(session, 'TODO_LIST.md');
    writeFileSync(todoFile, readFileSync(todoFile, 'utf8').replace('- [ ] **IMPL-2**', '- [x] **IMPL-2**'));
    writeFileSync(path.join(session, '.summaries', 'IMPL-2-summary.md'), '# IMPL-2 summary\nAdded /signup and /login with JWTs.\n');
    const metaFile = path.join(session, 'workflow-session.json');
    writeFileSync(metaFile, JSON.stringify({ ...readJson(metaFile), status: 'paused' }));

    const repo = makeRepo('ccw-resume');
    const agent = fakeAgent({ items: { 'IMPL-3': { implement: { delayMs: 1500 } } } });
    const plan = withAgent(await loadPlan(session, { repo }), agent.command);
    assert.deepEqual(plan.items.filter((i) => !i.done).map((i) => i.id), ['IMPL-3', 'IMPL-4.1']);
    assert.ok(plan.items.find((i) => i.id === 'IMPL-4.1')!.context!.some((c) => c.includes('Added /signup and /login with JWTs.')), "the finished dependency's summary reaches the prompt");

    const handle = await env.client.workflow.start('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });
    const deadline = Date.now() + 30_000;
    while (readJson(metaFile).status !== 'active') {
      assert.ok(Date.now() < deadline, 'the session turns active when the epic starts');
      await new Promise((r) => setTimeout(r, 100));
    }
    const result: EpicResult = await handle.result();
    assert.equal(result.phase, 'completed');
    assert.deepEqual(mergedIds(repo), ['IMPL-3', 'IMPL-4.1']);
    const archived = archivedPath(active);
    assert.equal(readJson(path.join(archived, 'workflow-session.json')).status, 'completed');
    assert.equal(readJson(path.join(archived, '.task', 'IMPL-2.json')).status, 'pending', 'a task Overseer did not run is not rewritten');
    assert.equal(readJson(path.join(archived, '.task', 'IMPL-4.1.json')).status, 'completed');
  });
});
