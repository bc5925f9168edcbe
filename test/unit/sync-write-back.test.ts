/**
 * Write-back to the plan's source: a ccw session's files (atomic, concurrent-safe, resumable) and Beads through
 * `bd` (the fake CLI on PATH records every call and keeps a JSONL database).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeBack } from '../../activities/sync';
import { registerBuiltInWriteBacks } from '../../activities/sync-handlers';
import { tickTodoLine } from '../../activities/sync-ccw';
import { importCcwSession } from '../../client/importers/ccw';
import type { PlanSource } from '../../common/plan';
import { copyCcwFixture, readJson } from '../helpers/ccw';
import { tempDir } from '../helpers/repo';
import { bdCalls, bdIssues, beadsProject, fakeBdBin, prependPath } from '../helpers/fake-bd';
import { FIXTURES } from '../helpers/plans';

registerBuiltInWriteBacks();
const SHA = 'a'.repeat(40);

describe('write-back to a claude-code-workflow session', () => {
  it('writes the summary of a session that has no .summaries/ folder yet', async () => {
    const { session } = copyCcwFixture();
    rmSync(path.join(session, '.summaries'), { recursive: true, force: true });
    const source: PlanSource = { kind: 'ccw', sessionDir: session, writeBack: true };
    assert.deepEqual(await writeBack(source, { kind: 'merged', itemId: 'IMPL-2', summary: 'Added /signup.', mergeCommit: SHA }), { ok: true });
    assert.equal(readFileSync(path.join(session, '.summaries', 'IMPL-2-summary.md'), 'utf8'), `# IMPL-2 summary\nAdded /signup.\n\nMerged by Overseer as ${SHA}.\n`);
  });

  it('records status, history, completion, TODO tick, summary and session status the way ccw does', async () => {
    const { session: active } = copyCcwFixture();
    let session = active;
    const source: PlanSource = { kind: 'ccw', sessionDir: session, writeBack: true };
    const task = (id: string) => readJson(path.join(session, '.task', `${id}.json`));

    assert.deepEqual(await writeBack(source, { kind: 'epic-started' }), { ok: true });
    let meta = readJson(path.join(session, 'workflow-session.json'));
    assert.equal(meta.status, 'active');
    assert.equal(meta.execution_started_at, '2026-11-02T09:30:00Z', 'an existing start time is kept');

    assert.deepEqual(await writeBack(source, { kind: 'started', itemId: 'IMPL-2' }), { ok: true });
    assert.equal(task('IMPL-2').status, 'in_progress');
    assert.deepEqual(await writeBack(source, { kind: 'merged', itemId: 'IMPL-2', summary: 'Added /signup and /login.', mergeCommit: SHA }), { ok: true });
    const t2 = task('IMPL-2');
    assert.equal(t2.status, 'completed');
    const history = t2.status_history as { from: string; to: string; changed_at: string }[];
    assert.deepEqual(history.map((h) => [h.from, h.to]), [['pending', 'in_progress'], ['in_progress', 'completed']]);
    assert.equal(t2.completed_at, history[1].changed_at);
    assert.ok(!Number.isNaN(Date.parse(t2.completed_at as string)));
    assert.deepEqual((t2.meta as { agent: string }).agent, '@code-developer', 'everything else in the task is kept');
    assert.equal(readFileSync(path.join(session, '.task', 'IMPL-2.json'), 'utf8').trimEnd().split('\n').length, 1, 'a one-line task stays one line');
    const todo = readFileSync(path.join(session, 'TODO_LIST.md'), 'utf8');
    assert.ok(todo.includes('- [x] **IMPL-2**: Implement auth API → [📋](./.task/IMPL-2.json) | [✅](./.summaries/IMPL-2-summary.md)\n'));
    assert.ok(todo.includes('- [ ] **IMPL-3**'), 'other boxes are untouched');
    assert.equal(
      readFileSync(path.join(session, '.summaries', 'IMPL-2-summary.md'), 'utf8'),
      `# IMPL-2 summary\nAdded /signup and /login.\n\nMerged by Overseer as ${SHA}.\n`,
    );

    // The last subtask of a container completes the container.
    await writeBack(source, { kind: 'started', itemId: 'IMPL-4.1' });
    assert.equal(task('IMPL-4').status, 'pending');
    await writeBack(source, { kind: 'merged', itemId: 'IMPL-4.1', summary: 'Login flow covered.', mergeCommit: SHA });
    assert.equal(task('IMPL-4').status, 'completed');
    assert.ok(readFileSync(path.join(session, 'TODO_LIST.md'), 'utf8').includes('  - [x] **IMPL-4.1**'));

    assert.deepEqual(await writeBack(source, { kind: 'failed', itemId: 'IMPL-3', reason: 'rejected by the review council' }), { ok: true });
    assert.equal(task('IMPL-3').status, 'failed');
    assert.deepEqual((task('IMPL-3').status_history as object[]).at(-1), {
      from: 'pending',
      to: 'failed',
      changed_at: (task('IMPL-3').status_history as { changed_at: string }[]).at(-1)!.changed_at,
      reason: 'rejected by the review council',
    });

    await writeBack(source, { kind: 'epic-completed' });
    // Completed like `/workflow:session:complete`: archived under .workflow/archives/.
    session = path.join(path.dirname(path.dirname(active)), 'archives', path.basename(active));
    assert.ok(!existsSync(active), 'no longer active');
    meta = readJson(path.join(session, 'workflow-session.json'));
    assert.equal(meta.status, 'completed');
    assert.equal(meta.session_id, 'WFS-user-auth');

    // Nothing left behind, and the importer sees the progress (how an interrupted session resumes).
    for (const dir of [session, path.join(session, '.task'), path.join(session, '.summaries')]) {
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock')), [], `no temp or lock files in ${dir}`);
    }
    const plan = importCcwSession(session, { repoPath: '/tmp' });
    assert.deepEqual(plan.items.filter((i) => !i.done).map((i) => i.id), ['IMPL-3'], 'only the failed task is left to run');
  });

  it('loses no tick when many items finish at once', async () => {
    const { session } = copyCcwFixture();
    const ids = Array.from({ length: 12 }, (_, i) => `IMPL-${10 + i}`);
    for (const id of ids) writeFileSync(path.join(session, '.task', `${id}.json`), JSON.stringify({ id, title: id, status: 'pending', depends_on: [], convergence: { criteria: ['x'] } }, null, 2) + '\n');
    writeFileSync(path.join(session, 'TODO_LIST.md'), `# Tasks\n\n## Task Progress\n${ids.map((id) => `- [ ] **${id}**: ${id} → [📋](./.task/${id}.json)`).join('\n')}\n`);
    const source: PlanSource = { kind: 'ccw', sessionDir: session, writeBack: true };
    const results = await Promise.all(ids.map((id) => writeBack(source, { kind: 'merged', itemId: id, summary: `did ${id}`, mergeCommit: SHA })));
    assert.ok(results.every((r) => r.ok), JSON.stringify(results));
    const todo = readFileSync(path.join(session, 'TODO_LIST.md'), 'utf8');
    for (const id of ids) assert.ok(todo.includes(`- [x] **${id}**`), `${id} ticked`);
    const pretty = readFileSync(path.join(session, '.task', 'IMPL-10.json'), 'utf8');
    assert.ok(pretty.startsWith('{\n  "id": "IMPL-10"') && pretty.endsWith('}\n'), 'an indented task keeps its layout');
  });

  it('reports what failed without throwing', async () => {
    const source: PlanSource = { kind: 'ccw', sessionDir: path.join(tempDir('ccw-gone'), 'WFS-x'), writeBack: true };
    const r = await writeBack(source, { kind: 'merged', itemId: 'IMPL-1', summary: 's', mergeCommit: SHA });
    assert.equal(r.ok, false);
    assert.match(r.note!, /^write-back to WFS-x failed: task IMPL-1: /);
  });

  it('ticks only the matching box', () => {
    const text = '- [ ] **IMPL-1**: A → [📋](./.task/IMPL-1.json)\n- [ ] **IMPL-10**: B → [📋](./.task/IMPL-10.json)\n';
    assert.equal(tickTodoLine(text, 'IMPL-1'), '- [x] **IMPL-1**: A → [📋](./.task/IMPL-1.json) | [✅](./.summaries/IMPL-1-summary.md)\n- [ ] **IMPL-10**: B → [📋](./.task/IMPL-10.json)\n');
  });
});

describe('write-back to Beads through bd', () => {
  const fixture = readFileSync(path.join(FIXTURES, 'beads', 'issues.jsonl'), 'utf8');

  it('claims, closes with the summary and merge, and comments on failure', async () => {
    const project = beadsProject(fixture);
    const restore = prependPath(fakeBdBin());
    try {
      const source: PlanSource = { kind: 'beads', epic: 'bd-auth', writeBack: true, cwd: project };
      assert.deepEqual(await writeBack(source, { kind: 'epic-started' }), { ok: true });
      assert.deepEqual(await writeBack(source, { kind: 'started', itemId: 'bd-auth.2' }), { ok: true });
      assert.deepEqual(await writeBack(source, { kind: 'merged', itemId: 'bd-auth.2', summary: 'Designed the\nmockups.', mergeCommit: SHA }), { ok: true });
      assert.deepEqual(await writeBack(source, { kind: 'failed', itemId: 'bd-auth.3', reason: 'agent blocked: no test runner' }), { ok: true });
      // Each write reads the issue first (`bd show`); ids and texts come after `--`.
      assert.deepEqual(bdCalls(project), [
        { argv: ['show', '--json', '--include-comments', '--', 'bd-auth.2'], cwd: project },
        { argv: ['update', '--status=in_progress', '--', 'bd-auth.2'], cwd: project },
        { argv: ['show', '--json', '--include-comments', '--', 'bd-auth.2'], cwd: project },
        { argv: ['close', `--reason=Designed the mockups. (merge ${SHA})`, '--', 'bd-auth.2'], cwd: project },
        { argv: ['show', '--json', '--include-comments', '--', 'bd-auth.3'], cwd: project },
        { argv: ['comments', 'add', '--', 'bd-auth.3', 'Overseer could not finish this item: agent blocked: no test runner'], cwd: project },
      ]);
      const issues = bdIssues(project);
      assert.equal(issues.get('bd-auth.2')!.status, 'closed');
      assert.equal(issues.get('bd-auth.2')!.close_reason, `Designed the mockups. (merge ${SHA})`);
      assert.equal((issues.get('bd-auth.3')!.comments as { text: string }[])[0].text, 'Overseer could not finish this item: agent blocked: no test runner');

      // bd refusing is reported in the result (the item's status), never thrown.
      writeFileSync(path.join(project, '.beads', 'fake-bd-fail'), 'update\n');
      const u = await writeBack(source, { kind: 'started', itemId: 'bd-auth.4' });
      assert.deepEqual(u, { ok: false, note: 'bd update bd-auth.4 failed (exit 1): Error: update failed (simulated)' });

      // Write-back off (the client found no bd): nothing is called.
      const before = bdCalls(project).length;
      assert.deepEqual(await writeBack({ ...source, writeBack: false }, { kind: 'started', itemId: 'bd-auth.5' }), { ok: true });
      assert.equal(bdCalls(project).length, before);
    } finally {
      restore();
    }
  });

  it('is idempotent: a retried write-back closes, claims and comments nothing twice', async () => {
    const project = beadsProject(fixture);
    const restore = prependPath(fakeBdBin());
    try {
      const source: PlanSource = { kind: 'beads', epic: 'bd-auth', writeBack: true, cwd: project };
      const events = [
        { kind: 'started', itemId: 'bd-auth.2' },
        { kind: 'merged', itemId: 'bd-auth.2', summary: 'Designed the mockups.', mergeCommit: SHA },
        { kind: 'failed', itemId: 'bd-auth.3', reason: 'agent blocked: no test runner' },
      ] as const;
      for (const event of [...events, ...events]) assert.deepEqual(await writeBack(source, event), { ok: true }, event.kind);
      const writes = bdCalls(project).filter((c) => c.argv[0] !== 'show').map((c) => c.argv[0]);
      assert.deepEqual(writes, ['update', 'close', 'comments']);
      const issues = bdIssues(project);
      assert.equal(issues.get('bd-auth.2')!.status, 'closed', 'a closed issue is not reopened by a late claim');
      assert.equal(issues.get('bd-auth.2')!.close_reason, `Designed the mockups. (merge ${SHA})`);
      assert.equal((issues.get('bd-auth.3')!.comments as unknown[]).length, 1);
    } finally {
      restore();
    }
  });

  it('passes ids that start with "-" after "--", so bd never reads them as flags', async () => {
    const project = beadsProject(`${JSON.stringify({ _type: 'issue', id: '-odd', title: 'Odd id', status: 'open', issue_type: 'task' })}\n`);
    const restore = prependPath(fakeBdBin());
    try {
      const source: PlanSource = { kind: 'beads', epic: 'e', writeBack: true, cwd: project };
      assert.deepEqual(await writeBack(source, { kind: 'merged', itemId: '-odd', summary: '-n is not a flag', mergeCommit: SHA }), { ok: true });
      assert.equal(bdIssues(project).get('-odd')!.status, 'closed');
      assert.equal(bdIssues(project).get('-odd')!.close_reason, `-n is not a flag (merge ${SHA})`);
    } finally {
      restore();
    }
  });

  it('says so when bd is not on the worker PATH', async () => {
    const before = process.env.PATH;
    process.env.PATH = tempDir('no-bd');
    try {
      const r = await writeBack({ kind: 'beads', epic: 'e', writeBack: true, cwd: tempDir('x') }, { kind: 'started', itemId: 'e.1' });
      assert.deepEqual(r, { ok: false, note: "`bd` is not on the worker's PATH: nothing was written back to Beads" });
    } finally {
      process.env.PATH = before;
    }
  });
});
