/**
 * Budgets and the account's usage limit (issue 13): a spent budget stops new sessions and waits for a raise; a
 * usage limit stops every new session of the account until its reset, then the limited item resumes its same
 * session by itself, across a worker restart. Tokens add up from sessions to items to the epic. Real dev server,
 * real git, simulated agent (its usage limit is modelled on the real CLI's, test/fixtures/real-claude-events/).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { setBudgetUpdate } from '../../common/api';
import { accountFile } from '../../activities/agent/account-gate';
import { epicWorkflowId } from '../../common/ids';
import type { EpicResult, EpicStatus } from '../../common/status';
import { startTestEnv, startWorkers, type RunningWorkers } from '../helpers/temporal';
import { makeRepo, merges, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { epicStatus, listWorkflowIds, overseer, smallPlan, startEpic, waitFor } from '../helpers/epics';

interface Start {
  t: number;
  itemId: string;
  kind: string;
  resumed: boolean;
  sessionId: string;
  limited: boolean;
}
const startsOf = (scenarioFile: string): Start[] => {
  try {
    return readFileSync(path.join(`${scenarioFile}.state`, 'starts.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Start);
  } catch {
    return [];
  }
};
const mergedItems = (repo: string) => merges(repo).map((m) => m.subject.replace(/^Merge (\S+):.*/, '$1')).sort();

let env: TestWorkflowEnvironment;
let workers: RunningWorkers;
const accountStateDir = tempDir('accounts');
// One Claude login for the whole file: the restarted worker is the same account.
const claudeConfigDir = tempDir('claude-config');
const workerOpts = () => ({ runner: { env: { CLAUDE_CONFIG_DIR: claudeConfigDir }, accountStateDir } });
before(async () => {
  env = await startTestEnv();
  workers = await startWorkers(env, workerOpts());
});
after(async () => {
  await workers?.stop();
  await env?.teardown();
});

describe('budgets', () => {
  it('a spent budget starts no session and waits without failing; a raise lets the stopped session resume and the epic finish', async () => {
    const repo = makeRepo('budget');
    const agent = fakeAgent({ defaults: { '*': { costUsd: 0.05 } } });
    const items = [{ id: 'b1' }, { id: 'b2', dependsOn: ['b1'] }, { id: 'b3', dependsOn: ['b2'] }];
    const plan = smallPlan('budget', repo, items, agent.command, { review: { enabled: false, maxRounds: 1 }, budget: { epicUsd: 0.08 } });
    const handle = await startEpic(env, plan);

    // b1 spends $0.05; b2's session gets the $0.03 that remain, goes over and is cut off by the CLI at its budget.
    const held = await waitFor('the epic held by its budget', async () => {
      const s = await epicStatus(env, 'budget');
      return s.phase === 'awaiting_human' && s.items[1].state === 'waiting' ? s : undefined;
    });
    assert.equal(held.items[0].state, 'merged');
    assert.match(held.items[1].detail ?? '', /^budget: /);
    assert.equal(held.items[2].state, 'pending');
    assert.deepEqual(held.budget, { epicUsd: 0.08, spentUsd: 0.1, remainingUsd: 0 });
    assert.deepEqual(await listWorkflowIds(env, `OverseerAwaitingHuman=true AND OverseerEpic='budget' AND WorkflowType='epicWorkflow'`), ['epic/budget']);
    const startsWhileHeld = startsOf(agent.scenarioFile).length;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(startsOf(agent.scenarioFile).length, startsWhileHeld, 'no session starts while the budget is spent');

    // Bad raises are refused with the reason; a good one lets the waiting item continue at once.
    const refused = async (raise: Record<string, unknown>, why: RegExp) => {
      const err = await handle.executeUpdate(setBudgetUpdate, { args: [raise] }).then(() => undefined, (e: Error) => e);
      assert.match(String((err as { cause?: Error } | undefined)?.cause?.message), why, JSON.stringify(raise));
    };
    await refused({ set: 0.05 }, /lower than what the epic has already spent \(\$0\.10\)/);
    await refused({ add: -1 }, /greater than 0/);
    await refused({ add: 'lots' }, /number of USD/);
    // The same through the CLI: shown, refused with the reason, raised.
    const shown = await overseer(env, 'budget', 'budget');
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /budget: \$0\.10 of \$0\.08 spent, \$0\.00 left/);
    const low = await overseer(env, 'budget', 'budget', '--set', '0.05');
    assert.notEqual(low.code, 0);
    assert.match(low.stderr, /budget not changed: budget \$0\.05 is lower than what the epic has already spent \(\$0\.10\)/);
    const typo = await overseer(env, 'budget', 'budget', '--add', 'abc');
    assert.match(typo.stderr, /--add takes a number of US dollars, got "abc"/);
    const inbox = await overseer(env, 'inbox');
    assert.match(inbox.stdout, /item b2 waits \(budget\): budget: /);
    assert.match(inbox.stdout, /overseer budget budget --add <usd>/);
    const raised = await overseer(env, 'budget', 'budget', '--add', '1');
    assert.equal(raised.code, 0, raised.stderr);
    assert.match(raised.stdout, /of \$1\.08 spent.*waiting items continue/);

    const result: EpicResult = await handle.result();
    assert.equal(result.phase, 'completed');
    assert.deepEqual(mergedItems(repo), ['b1', 'b2', 'b3'], 'every item merged exactly once');
    const b2 = startsOf(agent.scenarioFile).filter((s) => s.itemId === 'b2');
    assert.equal(b2.length, 2, 'b2 ran once, was cut off, and its session was resumed once');
    assert.ok(b2[1].resumed && b2[1].sessionId === b2[0].sessionId, 'the stopped session itself was resumed');
  });
});

describe('usage limits', () => {
  it('one limit stops every new session until the reset; the limited item resumes its same session after it, across a worker restart', async (t) => {
    const repo = makeRepo('limit');
    const agent = fakeAgent({
      defaults: { '*': { delayMs: 600 } },
      items: { l2: { implement: { usageLimit: { resetInSeconds: 15, type: 'five_hour' } } } },
    });
    const items = [{ id: 'l1' }, { id: 'l2' }, { id: 'l3' }, { id: 'l4' }, { id: 'l5', dependsOn: ['l1'] }];
    const plan = smallPlan('limit', repo, items, agent.command, { maxParallel: 3, review: { enabled: false, maxRounds: 1 } });
    const handle = await startEpic(env, plan);

    const waiting = await waitFor('l2 waiting for the reset', async () => {
      const s = await epicStatus(env, 'limit');
      const l2 = s.items.find((i) => i.itemId === 'l2')!;
      return l2.state === 'waiting' ? l2 : undefined;
    });
    assert.match(waiting.detail ?? '', /^usage limit \(five_hour\): resumes at \d\d:\d\d UTC$/);
    assert.ok((await listWorkflowIds(env, `OverseerState='waiting'`)).includes('epic/limit/item/l2'), 'waiting runs can be found');
    const limitedAt = startsOf(agent.scenarioFile).find((s) => s.itemId === 'l2')!.t;
    // When the worker's account gate recorded the limit: from then on no session may start.
    const recordedAt = statSync(accountFile(accountStateDir, { CLAUDE_CONFIG_DIR: claudeConfigDir })).mtimeMs;

    // A worker restart during the wait changes nothing.
    await workers.stop();
    workers = await startWorkers(env, workerOpts());

    const result: EpicResult = await handle.result();
    assert.equal(result.phase, 'completed');
    assert.deepEqual(mergedItems(repo), ['l1', 'l2', 'l3', 'l4', 'l5']);
    const starts = startsOf(agent.scenarioFile);
    const resetAt = limitedAt + 15_000;
    // A start already past the gate when the limit was recorded may still spawn its process (a little later).
    const intoLimit = starts.filter((s) => s.t > recordedAt + 1000 && s.t < resetAt);
    assert.deepEqual(intoLimit, [], 'no session started into the limit once it was recorded');
    const l2 = starts.filter((s) => s.itemId === 'l2');
    assert.equal(l2.length, 2, 'l2: limited once, then resumed once');
    assert.ok(l2[1].resumed && l2[1].sessionId === l2[0].sessionId && !l2[1].limited, 'the same session resumed after the reset');
    assert.ok(l2[1].t >= resetAt, 'not before the reset');
    // Figures for the README (not asserted: timings belong in bench/): the last session start after the limit was
    // reported, and how long after the reset the limited session ran again.
    const { resetsAt } = JSON.parse(readFileSync(path.join(`${agent.scenarioFile}.state`, 'account-limit.json'), 'utf8')) as { resetsAt: number };
    const lastStart = Math.max(...starts.filter((s) => s.t >= limitedAt && s.t < resetsAt * 1000).map((s) => s.t));
    t.diagnostic(`usage limit: last new session start ${lastStart - limitedAt} ms after the limit was reported; resumed ${l2[1].t - resetsAt * 1000} ms after resetsAt`);
    // Sessions already past the gate when l2 met the limit met it too (how many depends on the machine's speed, so
    // it is not asserted); each of them was resumed, itself, after the reset: nothing was lost to the limit.
    const limited = starts.filter((s) => s.limited);
    for (const s of limited) {
      const again = starts.find((x) => x.itemId === s.itemId && x.kind === s.kind && x.t > s.t && !x.limited);
      assert.ok(again && again.resumed && again.sessionId === s.sessionId && again.t >= resetsAt * 1000, `${s.itemId} ${s.kind}: the limited session resumed after the reset`);
    }
    t.diagnostic(`usage limit: ${limited.length} session(s) met the limit`);
  });

  it("tokens add up: each item's usage is the sum of its sessions', the epic's the sum of its items'", async () => {
    const s: EpicStatus = await env.client.workflow.getHandle(epicWorkflowId('limit')).query('status');
    for (const it of s.items) {
      const sessions = it.sessions ?? [];
      assert.ok(sessions.length >= 1, it.itemId);
      for (const k of ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens'] as const) {
        assert.equal(it.usage?.[k], sessions.reduce((n, x) => n + x.usage[k], 0), `${it.itemId} ${k}`);
      }
      assert.ok((it.usage?.inputTokens ?? 0) > 0, it.itemId);
    }
    for (const k of ['inputTokens', 'outputTokens', 'costUsd'] as const) {
      const sum = Math.round(s.items.reduce((n, it) => n + (it.usage?.[k] ?? 0), 0) * 1e6) / 1e6;
      assert.equal(s.usage?.[k], sum, k);
    }
    assert.ok(Object.keys(s.usage!.byModel).length >= 1, 'per model');
  });
});
