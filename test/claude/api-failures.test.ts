/**
 * The real Claude Code CLI when the API misbehaves: rate limits and overload are retried (by the CLI, then by the
 * activity, which resumes the session) and the item merges; a rejected API key fails the item at once with an
 * authentication message; a stalled API is cut off by the activity's timeout and the session resumed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EpicResult } from '../../common/status';
import { startTestEnv, startWorkers, type RunningWorkers } from '../helpers/temporal';
import { makeRepo, merges, sh } from '../helpers/repo';
import { apiError, defaultScript, stall, startMessagesServer, type MessagesServer } from './messages-server';
import { claudeEnv } from './cli';
import { claudePlan, runEpic } from './plan';
import { epicStatus, itemStatus, startEpic, waitForItem } from '../helpers/epics';
import { recordEvents } from './record';

let env: TestWorkflowEnvironment;
let workers: RunningWorkers;
let server: MessagesServer;

before(async () => {
  server = await startMessagesServer();
  env = await startTestEnv();
  // The CLI retries each API error once itself; then the activity's retry policy takes over.
  workers = await startWorkers(env, { runner: { env: claudeEnv(server, { maxRetries: 1 }) } });
});
after(async () => {
  await workers?.stop();
  await env?.teardown();
  await server?.close();
});

const answers = (itemId: string) => server.requests.filter((r) => r.ctx?.itemId === itemId && r.ctx.kind === 'implement');
const transcript = async (epicId: string, kind = 'implement') => (await epicStatus(env, epicId)).items[0].transcripts!.find((t) => path.basename(t).startsWith(`${kind}-`))!;

describe('real Claude Code against a failing API', () => {
  it('retries 429 and 529 and still merges the item', async () => {
    server.script('busy', (ctx) => {
      if (ctx.kind === 'implement' && ctx.turn === 0 && ctx.step === 0) return apiError(429); // outlasts the CLI's own retry
      if (ctx.kind === 'implement' && ctx.turn === 1 && ctx.step === 0 && ctx.attempt === 0) return apiError(529); // the CLI's retry absorbs it
      return defaultScript(ctx);
    });
    const repo = makeRepo('claude-busy');
    const plan = claudePlan(repo, 'cc-busy', [{ id: 'busy', title: 'Survive a busy API' }]);
    const result: EpicResult = await runEpic(env, plan);

    assert.equal(result.phase, 'completed');
    assert.deepEqual(merges(repo).map((m) => m.subject), ['Merge busy: Survive a busy API']);
    assert.equal(sh(repo, 'show', 'main:src/busy.txt'), 'implemented busy');
    const seen = answers('busy');
    assert.deepEqual(seen.slice(0, 2).map((r) => r.answer), [429, 429], 'the CLI retried the 429 once, then gave up');
    assert.ok(seen.some((r) => r.answer === 529), 'a 529 came after the activity retried');
    assert.equal(new Set(seen.map((r) => r.ctx!.sessionId)).size, 1, 'the retried activity resumed the same session');
    const item = await itemStatus(env, plan.epicId, plan.items[0].id);
    assert.ok(item.history!.some((h) => /resumed after an interruption/.test(h)), item.history!.join('\n'));
    recordEvents('implement-rate-limited', await transcript(plan.epicId));
  });

  it('fails the item at once with an authentication message when the API key is rejected', async () => {
    server.script('locked', () => apiError(401));
    const repo = makeRepo('claude-auth');
    const plan = claudePlan(repo, 'cc-auth', [{ id: 'locked', title: 'Meet a locked door' }]);
    const handle = await startEpic(env, plan);
    try {
      const item = await waitForItem(env, plan.epicId, 'locked', ['failed']);
      assert.match(item.detail ?? '', /authentication/i);
      assert.match(item.detail ?? '', /Invalid API key/);
      // One CLI run (its own single retry included) and no activity retry.
      assert.deepEqual(answers('locked').map((r) => r.answer), [401, 401]);
      assert.deepEqual(merges(repo), []);
      // The failure names the transcript of the session, for the human who has to fix the key.
      const logged = /\(transcript: ([^)]+)\)/.exec(item.detail ?? '')?.[1];
      assert.ok(logged && existsSync(logged), item.detail);
      recordEvents('implement-auth-failed', logged);
    } finally {
      await handle.terminate('test done');
    }
  });

  it('cuts off a stalled API with the session timeout, then resumes the session and merges', async () => {
    server.script('stuck', (ctx) => (ctx.kind === 'implement' && ctx.turn === 0 ? stall() : defaultScript(ctx)));
    const repo = makeRepo('claude-stall');
    const plan = claudePlan(repo, 'cc-stall', [{ id: 'stuck', title: 'Outlive a stalled API' }], { sessionTimeout: '8s' });
    const result: EpicResult = await runEpic(env, plan);

    assert.equal(result.phase, 'completed');
    assert.equal(sh(repo, 'show', 'main:src/stuck.txt'), 'implemented stuck');
    const seen = answers('stuck');
    assert.equal(seen[0].answer, 'stall');
    assert.ok(seen.slice(1).every((r) => r.answer === 200));
    assert.equal(new Set(seen.map((r) => r.ctx!.sessionId)).size, 1, 'the next attempt resumed the stalled session');
    assert.match(seen.at(-1)!.ctx!.prompt, /interrupted/);
    const item = await itemStatus(env, plan.epicId, plan.items[0].id);
    assert.ok(item.history!.some((h) => /resumed after an interruption/.test(h)), item.history!.join('\n'));
    recordEvents('implement-stalled', await transcript(plan.epicId));
  });
});
