/**
 * Gates (DESIGN §2 step 4): the plan's commands run in the item's worktree before review; a failure's output goes
 * back to the implementer's session, bounded by maxAttempts; a gate that never passes fails the item with its
 * output in the status, and a human cancels it. Real dev server, real git, simulated agent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EpicResult } from '../../common/status';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges, sh, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { epicStatus, itemStatus, overseer, smallPlan, startEpic, waitFor, waitForItem } from '../helpers/epics';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { workers: { runner: { env: { CLAUDE_CONFIG_DIR: tempDir('claude-config') } } } });

describe('gates', () => {
  it('a gate that fails once: its output goes back to the implementer, the fix passes, the item merges', async () => {
    const repo = makeRepo('g-once');
    const gate = 'test -f gate-ok.txt || { echo "gate-ok.txt is missing"; exit 1; }';
    const agent = fakeAgent({ items: { flaky: { fix: { files: { 'gate-ok.txt': 'ok\n' } } } } });
    const plan = smallPlan('g-once', repo, [{ id: 'flaky' }], agent.command, { gates: [gate], maxAttempts: 2 });
    const result: EpicResult = await (await startEpic(env, plan)).result();
    assert.equal(result.phase, 'completed');
    assert.equal(result.items[0].state, 'merged');
    assert.equal(result.items[0].attempts, 2, 'the gate fix spent an attempt');
    assert.equal(sh(repo, 'show', 'main:gate-ok.txt'), 'ok');
    // The fix resumed the implementer's session with the failing command and its output.
    const prompts = sh(repo, 'show', 'main:overseer-sim/flaky.answers.md');
    assert.ok(prompts.includes(`The check \`${gate}\` fails on your change.`), prompts);
    assert.match(prompts, /gate-ok\.txt is missing/);
    const history = (await itemStatus(env, 'g-once', 'flaky')).history!.join('\n');
    assert.ok(history.includes(`gate failed: ${gate}\nrunning: fixing gate failure: ${gate}`), history);
    assert.match(history, /gates passed\nin_review: peer review/);
  });

  it('a gate that always fails: the item fails with the gate output in its status, blocks its dependent, and a human cancels it', async () => {
    const repo = makeRepo('g-never');
    const gate = 'echo "lint: 3 problems in src/app.ts" >&2; exit 1';
    const agent = fakeAgent({});
    const plan = smallPlan('g-never', repo, [{ id: 'stubborn' }, { id: 'next', dependsOn: ['stubborn'] }], agent.command, { gates: [gate], maxAttempts: 2 });
    const handle = await startEpic(env, plan);

    const failed = await waitForItem(env, 'g-never', 'stubborn', ['failed']);
    assert.equal(failed.attempts, 2);
    assert.ok(failed.detail!.startsWith(`gate \`${gate}\` keeps failing (after 2 attempts):\n`), failed.detail);
    assert.match(failed.detail!, /lint: 3 problems in src\/app\.ts/);
    assert.match(failed.detail!, /exit code 1\)\n\(full log: .*gates-1\.log\)$/);
    const status = await waitFor('the dependent blocked', async () => {
      const s = await epicStatus(env, 'g-never');
      return s.items.find((i) => i.itemId === 'next')!.state === 'blocked' && s.phase === 'awaiting_human' ? s : undefined;
    });
    assert.equal(status.items.find((i) => i.itemId === 'next')!.detail, 'blocked by stubborn');
    // `overseer status` shows the gate output to the human deciding.
    const shown = await overseer(env, 'status', 'g-never');
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /lint: 3 problems in src\/app\.ts/);

    const cancel = await overseer(env, 'cancel', 'g-never', 'stubborn');
    assert.equal(cancel.code, 0, cancel.stderr);
    const result: EpicResult = await handle.result();
    assert.equal(result.phase, 'failed');
    assert.deepEqual(Object.fromEntries(result.items.map((i) => [i.itemId, i.state])), { stubborn: 'cancelled', next: 'blocked' });
    assert.equal(merges(repo).length, 0);
    assert.equal(sh(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1, 'the cancelled item left no worktree');
  });
});
