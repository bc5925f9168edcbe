/**
 * The real Claude Code CLI (pinned) through Overseer's runner, against the scripted Messages API: an item is
 * implemented by the CLI's own Write and Bash tools, reviewed by another real session, merged; a question is asked,
 * answered by signal, and the same session continues with `--resume` (or starts afresh where the session is not);
 * bypass mode runs as root when the plan asks for it; acceptEdits denies a command until the plan allows it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EpicResult } from '../../common/status';
import { answerSignal, itemStatusQuery } from '../../common/api';
import { itemWorkflowId } from '../../common/ids';
import { startTestEnv, startWorkers, type RunningWorkers } from '../helpers/temporal';
import { makeRepo, merges, sh } from '../helpers/repo';
import { bash, defaultScript, reportWith, startMessagesServer, steps, writeFile, type MessagesServer } from './messages-server';
import { claudeEnv, PINNED_CLAUDE_VERSION } from './cli';
import { awaitEpic, claudePlan, runEpic } from './plan';
import { epicStatus, startEpic, waitForItem } from '../helpers/epics';
import { recordEvents } from './record';

let env: TestWorkflowEnvironment;
let workers: RunningWorkers;
let server: MessagesServer;
let claude: Record<string, string>;

before(async () => {
  server = await startMessagesServer();
  claude = claudeEnv(server);
  env = await startTestEnv();
  workers = await startWorkers(env, { runner: { env: claude } });
});
after(async () => {
  await workers?.stop();
  await env?.teardown();
  await server?.close();
});

const events = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const mainRequests = (itemId: string, kind?: string) => server.requests.filter((r) => r.ctx?.itemId === itemId && (!kind || r.ctx.kind === kind));

describe('real Claude Code sessions', () => {
  it('implements an item with the CLI’s own tools, reviews it with a real session and merges it', async () => {
    const repo = makeRepo('claude-impl');
    const plan = claudePlan(repo, 'cc-impl', [{ id: 'greet', title: 'Add a greeting' }]);
    const result: EpicResult = await runEpic(env, plan);

    assert.equal(result.phase, 'completed');
    assert.deepEqual(result.items.map((i) => i.state), ['merged']);
    assert.deepEqual(merges(repo).map((m) => m.subject), ['Merge greet: Add a greeting']);
    // The file the CLI's Write tool created is on main, byte for byte.
    assert.equal(sh(repo, 'show', 'main:src/greet.txt'), 'implemented greet');

    // The server drove both sessions: implement (Write, Bash, report) then review (Bash, report).
    const impl = mainRequests('greet', 'implement');
    assert.deepEqual(impl.map((r) => r.ctx!.step), [0, 1, 2]);
    const results = impl.at(-1)!.ctx!.toolResults;
    assert.deepEqual(results.map((t) => t.name), ['Write', 'Bash']);
    assert.match(results[0].content, /File created successfully/);
    assert.match(results[1].content, /src\//, 'git status run by the CLI’s Bash tool shows the new file');
    const review = mainRequests('greet', 'review');
    assert.ok(review.length >= 2, 'a real review session ran');
    assert.ok(!review[0].ctx!.tools.includes('Write'), 'the reviewer is not offered Write');
    assert.notEqual(review[0].ctx!.sessionId, impl[0].ctx!.sessionId, 'review is its own session');
    assert.deepEqual(server.unknown, [], 'the CLI made no request the server does not know');

    const item = (await epicStatus(env, plan.epicId)).items[0];
    assert.equal(item.agentVersion, PINNED_CLAUDE_VERSION, 'the CLI version from the init event is in the item status');
    assert.equal(item.sessionId, impl[0].ctx!.sessionId);
    assert.ok(item.costUsd > 0, 'the cost the CLI computed is recorded');
    // Our transcript copy, and the CLI's own under this worker's CLAUDE_CONFIG_DIR.
    const ours = item.transcripts!.find((t) => path.basename(t).startsWith('implement-'))!;
    assert.ok(ours.startsWith(path.join(repo, '.overseer', 'logs')));
    const init = events(ours).find((e) => e.type === 'system' && e.subtype === 'init')!;
    assert.equal(init.claude_code_version, PINNED_CLAUDE_VERSION);
    assert.equal(init.permissionMode, 'acceptEdits');
    const projects = path.join(claude.CLAUDE_CONFIG_DIR, 'projects');
    assert.ok(readdirSync(projects).some((d) => existsSync(path.join(projects, d, `${item.sessionId}.jsonl`))), 'the CLI kept its transcript in the worker’s config dir');

    recordEvents('implement-success', ours);
    recordEvents('review-success', item.transcripts!.find((t) => path.basename(t).startsWith('review-'))!);
  });

  it('asks a question, takes the answer by signal and resumes the same session', async () => {
    const repo = makeRepo('claude-ask');
    server.script('store', (ctx) => {
      if (ctx.kind !== 'implement') return defaultScript(ctx);
      if (ctx.turn === 0) {
        return steps(reportWith({ status: 'question', question: 'Which database should the store use?', options: ['SQLite', 'Postgres'], summary: 'Need a decision' }))(ctx);
      }
      const answer = /SQLite|Postgres/.exec(ctx.prompt)?.[0] ?? 'no answer';
      return steps(writeFile('src/store.txt', `database: ${answer}\n`), reportWith({ status: 'done', summary: `Used ${answer}` }))(ctx);
    });
    const plan = claudePlan(repo, 'cc-ask', [{ id: 'store', title: 'Add a store' }]);
    const handle = await startEpic(env, plan);

    const waiting = await waitForItem(env, plan.epicId, 'store', ['awaiting_answer'], (s) => Boolean(s.pendingQuestion));
    assert.equal(waiting.pendingQuestion!.question, 'Which database should the store use?');
    assert.deepEqual(waiting.pendingQuestion!.options, ['SQLite', 'Postgres']);
    const sessionBefore = waiting.sessionId;
    assert.match(sessionBefore ?? '', /^[0-9a-f-]{36}$/);

    await handle.signal(answerSignal, { questionId: waiting.pendingQuestion!.questionId, answer: 'SQLite', answeredBy: 'test' });
    const result = await awaitEpic(handle);
    assert.equal(result.phase, 'completed');
    assert.equal(sh(repo, 'show', 'main:src/store.txt'), 'database: SQLite');

    const item = (await epicStatus(env, plan.epicId)).items[0];
    assert.equal(item.sessionId, sessionBefore, 'the answer resumed the same session');
    // The server saw the resumed conversation: same session id, the question turn in the history, then the answer.
    const resumed = mainRequests('store', 'implement').filter((r) => r.ctx!.turn === 1);
    assert.ok(resumed.length > 0, 'the session continued after the answer');
    for (const r of resumed) assert.equal(r.ctx!.sessionId, sessionBefore);
    const history = JSON.stringify(resumed[0].messages);
    assert.match(history, /Which database should the store use\?/, 'the question report is part of the resumed conversation');
    assert.match(resumed[0].ctx!.prompt, /SQLite/);

    recordEvents('implement-question', item.transcripts!.find((t) => path.basename(t).startsWith('implement-'))!);
  });

  it('starts a fresh session with the answer when the session to resume is not on this worker', async () => {
    const repo = makeRepo('claude-moved');
    const answered = (prompt: string) => /Answer to your question[^\n]*:\n\n(\w+)/.exec(prompt)?.[1];
    server.script('moved', (ctx) => {
      if (ctx.kind !== 'implement') return defaultScript(ctx);
      const answer = answered(ctx.prompt);
      if (!answer) return steps(reportWith({ status: 'question', question: 'Which queue should jobs use?', options: ['Redis', 'SQS'], summary: 'Need a decision' }))(ctx);
      return steps(writeFile('src/jobs.txt', `queue: ${answer}\n`), reportWith({ status: 'done', summary: `Used ${answer}` }))(ctx);
    });
    const plan = claudePlan(repo, 'cc-moved', [{ id: 'moved', title: 'Add a job queue' }]);
    const handle = await startEpic(env, plan);
    const waiting = await waitForItem(env, plan.epicId, 'moved', ['awaiting_answer'], (s) => Boolean(s.pendingQuestion));
    // The worker that answers does not have the session (as if it ran on another host): its transcripts are gone.
    const projects = path.join(claude.CLAUDE_CONFIG_DIR, 'projects');
    renameSync(projects, `${projects}.elsewhere`);
    try {
      await handle.signal(answerSignal, { questionId: waiting.pendingQuestion!.questionId, answer: 'SQS' });
      const result = await awaitEpic(handle);
      assert.equal(result.phase, 'completed');
    } finally {
      rmSync(projects, { recursive: true, force: true });
      renameSync(`${projects}.elsewhere`, projects);
    }
    assert.equal(sh(repo, 'show', 'main:src/jobs.txt'), 'queue: SQS');
    const item = (await epicStatus(env, plan.epicId)).items[0];
    assert.notEqual(item.sessionId, waiting.sessionId, 'a new session replaced the missing one');
    const fresh = mainRequests('moved', 'implement').filter((r) => r.ctx!.sessionId === item.sessionId);
    assert.equal(fresh[0].ctx!.turn, 0, 'the new session started from the task');
    assert.match(fresh[0].ctx!.prompt, /^Implement this work item[\s\S]*Answer to your question/, 'with the answer in its first prompt');
    // The failed `--resume` went to the old session's transcript: a result line with error_during_execution.
    const old = item.transcripts!.find((t) => t.endsWith(`implement-${waiting.sessionId}.jsonl`))!;
    assert.ok(events(old).some((e) => e.type === 'result' && e.subtype === 'error_during_execution'));
    recordEvents('implement-resume-missing', old);
  });

  it('runs in bypassPermissions mode when the plan opts in (as root too), and keeps reviewers out of it', async () => {
    const repo = makeRepo('claude-bypass');
    const plan = claudePlan(repo, 'cc-bypass', [{ id: 'free', title: 'Work without prompts' }], { permissionMode: 'bypassPermissions' });
    const result = await runEpic(env, plan);
    assert.equal(result.phase, 'completed');
    assert.equal(sh(repo, 'show', 'main:src/free.txt'), 'implemented free');
    const item = (await epicStatus(env, plan.epicId)).items[0];
    const init = (kind: string) => events(item.transcripts!.find((t) => path.basename(t).startsWith(`${kind}-`))!).find((e) => e.subtype === 'init')!;
    assert.equal(init('implement').permissionMode, 'bypassPermissions');
    assert.equal(init('review').permissionMode, 'default', 'review sessions never bypass permissions');
  });

  it('denies a shell command acceptEdits does not allow, and runs it once the plan allows it', async () => {
    const build = `node -e "require('fs').writeFileSync('built.txt', 'built\\n')"`;
    const script = (id: string) =>
      server.script(id, (ctx) => (ctx.kind === 'implement' ? steps(writeFile(`src/${id}.txt`, `${id}\n`), bash(build, 'Build'), reportWith({ status: 'done', summary: 'built' }))(ctx) : defaultScript(ctx)));
    script('denied');
    script('allowed');

    const deniedRepo = makeRepo('claude-denied');
    assert.equal((await runEpic(env, claudePlan(deniedRepo, 'cc-denied', [{ id: 'denied', title: 'Build without leave' }]))).phase, 'completed');
    const denied = mainRequests('denied', 'implement').at(-1)!.ctx!.toolResults.find((t) => t.name === 'Bash')!;
    assert.equal(denied.isError, true);
    assert.match(denied.content, /requires approval/);
    assert.throws(() => sh(deniedRepo, 'show', 'main:built.txt'), 'the command never ran');
    const item = (await epicStatus(env, 'cc-denied')).items[0];
    const ours = item.transcripts!.find((t) => path.basename(t).startsWith('implement-'))!;
    assert.ok(events(ours).some((e) => e.type === 'system' && e.subtype === 'permission_denied'));
    recordEvents('implement-permission-denied', ours);
    // The denial reaches a human through the item's history, with what to allow.
    const itemHistory = (await env.client.workflow.getHandle(itemWorkflowId('cc-denied', 'denied')).query(itemStatusQuery)).history ?? [];
    assert.ok(itemHistory.some((h) => /implement session was denied Bash\(node -e .*allowedTools/.test(h)), itemHistory.join('\n'));

    const allowedRepo = makeRepo('claude-allowed');
    const plan = claudePlan(allowedRepo, 'cc-allowed', [{ id: 'allowed', title: 'Build with leave' }], { allowedTools: ['Bash(node *)'] });
    assert.equal((await runEpic(env, plan)).phase, 'completed');
    assert.equal(sh(allowedRepo, 'show', 'main:built.txt'), 'built');
  });
});
