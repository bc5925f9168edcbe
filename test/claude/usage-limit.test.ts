/**
 * The real Claude Code CLI at the account's usage limit: the scripted API answers the first call of a subscription
 * (OAuth) session with the 429 and `anthropic-ratelimit-unified-*` headers of a spent five-hour window; the CLI
 * reports a `rejected` rate_limit_event and ends the session; the item waits for the reset and resumes the same
 * session by itself, which then finishes and merges.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EpicResult } from '../../common/status';
import { startTestEnv, startWorkers, type RunningWorkers } from '../helpers/temporal';
import { makeRepo, merges, sh, tempDir } from '../helpers/repo';
import { defaultScript, startMessagesServer, usageLimit, type MessagesServer } from './messages-server';
import { claudeEnv } from './cli';
import { claudePlan, runEpic } from './plan';
import { epicStatus, itemStatus } from '../helpers/epics';
import { recordEvents } from './record';

let env: TestWorkflowEnvironment;
let workers: RunningWorkers;
let server: MessagesServer;

before(async () => {
  server = await startMessagesServer();
  env = await startTestEnv();
  // A subscription login: the CLI reads the unified rate-limit headers only then.
  const login = { ...claudeEnv(server), ANTHROPIC_API_KEY: '', CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-test-not-a-real-token' };
  workers = await startWorkers(env, { runner: { env: login, accountStateDir: tempDir('accounts') } });
});
after(async () => {
  await workers?.stop();
  await env?.teardown();
  await server?.close();
});

describe('real Claude Code at the usage limit', () => {
  it('waits for the reset and resumes the same session, which merges', async () => {
    let resetsAt = 0;
    server.script('capped', (ctx) => {
      if (ctx.kind === 'implement' && ctx.turn === 0 && ctx.step === 0) {
        resetsAt ||= Math.floor(Date.now() / 1000) + 6;
        return usageLimit(resetsAt, 'five_hour');
      }
      return defaultScript(ctx);
    });
    const repo = makeRepo('claude-limit');
    const plan = claudePlan(repo, 'cc-limit', [{ id: 'capped', title: 'Outlast a usage limit' }], {}, { review: { enabled: false, maxRounds: 1 } });
    const result: EpicResult = await runEpic(env, plan, 90_000);

    assert.equal(result.phase, 'completed');
    assert.deepEqual(merges(repo).map((m) => m.subject), ['Merge capped: Outlast a usage limit']);
    assert.equal(sh(repo, 'show', 'main:src/capped.txt'), 'implemented capped');
    const calls = server.requests.filter((r) => r.ctx?.itemId === 'capped' && r.ctx.kind === 'implement');
    assert.equal(calls[0].answer, 429);
    assert.equal(new Set(calls.map((r) => r.ctx!.sessionId)).size, 1, 'the same session went on after the reset');
    const resumed = calls.find((r) => r.ctx!.turn === 1)!;
    assert.ok(resumed, 'a resumed turn');
    assert.ok(resumed.n > calls[0].n);
    const item = await itemStatus(env, plan.epicId, 'capped');
    assert.ok(item.history!.some((h) => /^waiting: usage limit \(five_hour\): resumes at \d\d:\d\d UTC$/.test(h)), item.history!.join('\n'));
    assert.ok(item.history!.some((h) => /usage limit \(five_hour\) lifted/.test(h)));
    const transcript = (await epicStatus(env, plan.epicId)).items[0].transcripts!.find((t) => path.basename(t).startsWith('implement-'))!;
    recordEvents('implement-usage-limit', transcript);
  });
});
