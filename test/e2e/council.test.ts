/**
 * The review council (DESIGN §2 step 5): reviewer → implementer fixes or rebuts → reviewer again → tech lead on
 * disagreement; rejected items get new attempts up to maxAttempts, then fail and wait for a human (retry, skip);
 * `approval: before-merge` holds approved items until `overseer approve`. Real dev server, real git, simulated agent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { epicWorkflowId, itemWorkflowId } from '../../common/ids';
import type { EpicResult } from '../../common/status';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges, sh, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { epicStatus, itemStatus, listWorkflowIds, overseer, smallPlan, startEpic, waitFor, waitForItem } from '../helpers/epics';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { workers: { runner: { env: { CLAUDE_CONFIG_DIR: tempDir('claude-config') } } } });

const onMain = (repo: string, file: string) => sh(repo, 'show', `main:${file}`);
const historyOf = async (epicId: string, itemId: string) => (await itemStatus(env, epicId, itemId)).history!.join('\n');

describe('review council', () => {
  it('the reviewer requests changes once, the implementer fixes them in the same session, approved, merged', async () => {
    const repo = makeRepo('c-fix');
    const agent = fakeAgent({
      items: {
        fixme: {
          review: { verdicts: ['request_changes', 'approve'] },
          'address-review': { files: { 'overseer-sim/fixme.validation.md': 'inputs are validated now\n' } },
        },
      },
    });
    const result: EpicResult = await (await startEpic(env, smallPlan('c-fix', repo, [{ id: 'fixme' }], agent.command))).result();
    assert.equal(result.phase, 'completed');
    assert.equal(result.items[0].state, 'merged');
    assert.equal(result.items[0].attempts, 1, 'a fix after review is not a new attempt');
    assert.equal(onMain(repo, 'overseer-sim/fixme.validation.md'), 'inputs are validated now');
    // The findings went back to the implementer's own session (the simulated agent logs resumed prompts).
    assert.match(onMain(repo, 'overseer-sim/fixme.answers.md'), /A peer reviewer requested changes:\n- \[major\] overseer-sim\/fixme\.md: Simulated review finding #1 for fixme/);
    const history = await historyOf('c-fix', 'fixme');
    assert.match(history, /review: request_changes \(1 finding\)\n.*\nimplementer addressed the findings\n/);
    assert.match(history, /in_review: re-review \(round 2\)\nreview: approve\n/);
    assert.doesNotMatch(history, /tech lead/);
  });

  it('reviewer and implementer disagree: the tech lead approves (and fixes a detail itself), merged', async () => {
    const repo = makeRepo('c-lead-ok');
    const agent = fakeAgent({
      items: {
        argue: {
          review: { verdicts: ['request_changes'] },
          'address-review': { rebut: 'The input is already validated by the schema layer.' },
          'tech-lead': { decisions: ['approve'], reasons: ['the rebuttal holds'], files: { 'overseer-sim/argue.lead.md': 'tech lead touch-up\n' } },
        },
      },
    });
    const result: EpicResult = await (await startEpic(env, smallPlan('c-lead-ok', repo, [{ id: 'argue' }], agent.command))).result();
    assert.equal(result.phase, 'completed');
    assert.equal(result.items[0].state, 'merged');
    assert.equal(result.items[0].attempts, 1);
    assert.equal(onMain(repo, 'overseer-sim/argue.lead.md'), 'tech lead touch-up');
    const history = await historyOf('c-lead-ok', 'argue');
    assert.match(history, /implementer rebutted the findings/);
    assert.match(history, /review: request_changes\nin_review: tech lead deciding\n/);
    assert.match(history, /tech lead: approve \(the rebuttal holds\)/);
    assert.match(history, /approved: the rebuttal holds/);
  });

  it("the tech lead's own fix must pass the gates too: a failure goes back to the implementer", async () => {
    const repo = makeRepo('c-lead-gate');
    const gate = '! grep -q BROKEN overseer-sim/lead.md 2>/dev/null';
    const agent = fakeAgent({
      items: {
        lead: {
          review: { verdicts: ['request_changes'] },
          'address-review': { rebut: 'Disagree.' },
          'tech-lead': { decisions: ['approve'], files: { 'overseer-sim/lead.md': 'BROKEN touch-up\n' } },
          fix: { files: { 'overseer-sim/lead.md': 'working touch-up\n' } },
        },
      },
    });
    const plan = smallPlan('c-lead-gate', repo, [{ id: 'lead' }], agent.command, { gates: [gate], maxAttempts: 2 });
    const result: EpicResult = await (await startEpic(env, plan)).result();
    assert.equal(result.phase, 'completed');
    assert.equal(result.items[0].state, 'merged');
    assert.equal(onMain(repo, 'overseer-sim/lead.md'), 'working touch-up');
    const history = await historyOf('c-lead-gate', 'lead');
    assert.ok(history.includes(`tech lead: approve (The change for lead meets the acceptance criteria)\ncommitted`), history);
    assert.ok(history.includes(`gate failed: ${gate}\nrunning: fixing gate failure`), history);
  });

  it('reviewer and implementer disagree: the tech lead rejects, a new attempt is approved and merged', async () => {
    const repo = makeRepo('c-lead-no');
    const agent = fakeAgent({
      items: {
        redo: {
          review: { verdicts: ['request_changes', 'request_changes', 'approve'] },
          'address-review': { rebut: 'Token expiry is out of scope.' },
          'tech-lead': { decisions: ['reject'], reasons: ['token expiry is in the acceptance criteria'] },
        },
      },
    });
    const result: EpicResult = await (await startEpic(env, smallPlan('c-lead-no', repo, [{ id: 'redo' }], agent.command, { maxAttempts: 2 }))).result();
    assert.equal(result.phase, 'completed');
    assert.equal(result.items[0].state, 'merged');
    assert.equal(result.items[0].attempts, 2);
    const history = await historyOf('c-lead-no', 'redo');
    assert.match(history, /tech lead: reject \(token expiry is in the acceptance criteria\)\nrejected: token expiry is in the acceptance criteria\nrunning: implementing \(attempt 2\)/);
    assert.match(history, /review: approve\napproved: /);
  });

  it('rejected maxAttempts times → failed, dependents blocked; `overseer retry` merges it, `overseer skip` lets dependents proceed', async () => {
    const repo = makeRepo('c-human');
    const agent = fakeAgent({
      items: {
        // Counters are per item and kind: the third review (after a human's retry) approves.
        r1: { review: { verdicts: ['request_changes', 'request_changes', 'approve'] }, 'tech-lead': { decisions: ['reject'] } },
        s1: { review: { verdicts: ['request_changes'] }, 'tech-lead': { decisions: ['reject'] } },
      },
    });
    const plan = smallPlan('c-human', repo, [{ id: 'r1' }, { id: 'r2', dependsOn: ['r1'] }, { id: 's1' }, { id: 's2', dependsOn: ['s1'] }], agent.command, {
      maxAttempts: 2,
      review: { enabled: true, maxRounds: 1 },
    });
    const handle = await startEpic(env, plan);

    for (const id of ['r1', 's1']) {
      const failed = await waitForItem(env, 'c-human', id, ['failed']);
      assert.equal(failed.attempts, 2);
      assert.match(failed.detail ?? '', /rejected by the review council: The change for .* does not meet the acceptance criteria/);
    }
    const blocked = await waitFor('dependents blocked and the epic waiting for a human', async () => {
      const s = await epicStatus(env, 'c-human');
      const by = (id: string) => s.items.find((i) => i.itemId === id)!;
      return s.phase === 'awaiting_human' && by('r2').state === 'blocked' && by('s2').state === 'blocked' ? s : undefined;
    });
    assert.equal(blocked.items.find((i) => i.itemId === 'r2')!.detail, 'blocked by r1');
    assert.equal(merges(repo).length, 0);
    await waitFor('the epic listed as awaiting a human', async () => (await listWorkflowIds(env, 'OverseerAwaitingHuman=true')).includes(epicWorkflowId('c-human')));

    // Decisions the epic would ignore are refused with a reason.
    const [typo, notFailed, noEpic] = await Promise.all([
      overseer(env, 'retry', 'c-human', 'r9'),
      overseer(env, 'retry', 'c-human', 'r2'),
      overseer(env, 'skip', 'no-such-epic', 's1'),
    ]);
    assert.match(typo.stderr, /epic c-human has no item r9 \(its items: r1, r2, s1, s2\)/);
    assert.match(notFailed.stderr, /cannot retry r2: it is blocked, and only failed or cancelled items can be retried/);
    assert.match(noEpic.stderr, /there is no epic no-such-epic/);
    assert.ok(typo.code !== 0 && notFailed.code !== 0 && noEpic.code !== 0);

    const retry = await overseer(env, 'retry', 'c-human', 'r1');
    assert.equal(retry.code, 0, retry.stderr);
    assert.match(retry.stdout, /retry of r1 requested on epic c-human/);
    const skip = await overseer(env, 'skip', 'c-human', 's1', '--reason', 'done by hand');
    assert.equal(skip.code, 0, skip.stderr);

    const result: EpicResult = await handle.result();
    assert.equal(result.phase, 'completed');
    const state = Object.fromEntries(result.items.map((i) => [i.itemId, i.state]));
    assert.deepEqual(state, { r1: 'merged', r2: 'merged', s1: 'skipped', s2: 'merged' });
    assert.equal(result.items.find((i) => i.itemId === 'r1')!.attempts, 3, 'the retry ran one more attempt');
    const order = merges(repo).map((m) => /^Merge ([^:]+):/.exec(m.subject)![1]);
    assert.ok(order.indexOf('r1') < order.indexOf('r2'), order.join(','));
    assert.ok(!order.includes('s1'));
    const s1 = (await epicStatus(env, 'c-human')).items.find((i) => i.itemId === 's1')!;
    assert.equal(s1.detail, 'done by hand');
    // Nothing left behind: the skipped item's worktree is gone too.
    assert.equal(sh(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
  });

  it('approval: before-merge holds the approved item until `overseer approve`', async () => {
    const repo = makeRepo('c-approve');
    const agent = fakeAgent({});
    const handle = await startEpic(env, smallPlan('c-approve', repo, [{ id: 'held' }], agent.command, { approval: 'before-merge' }));
    await waitForItem(env, 'c-approve', 'held', ['approved'], (s) => /waiting for a human to approve/.test(s.detail ?? ''));
    await waitFor('the held item and its epic listed as awaiting a human', async () => {
      const ids = await listWorkflowIds(env, `OverseerAwaitingHuman=true AND OverseerState='approved'`);
      const epics = await listWorkflowIds(env, `OverseerAwaitingHuman=true AND WorkflowId='${epicWorkflowId('c-approve')}'`);
      return ids.includes(itemWorkflowId('c-approve', 'held')) && epics.length === 1;
    });
    assert.equal(merges(repo).length, 0, 'nothing merges before the approval');

    const ok = await overseer(env, 'approve', 'c-approve', 'held', '--by', 'carol');
    assert.equal(ok.code, 0, ok.stderr);
    const result: EpicResult = await handle.result();
    assert.equal(result.phase, 'completed');
    assert.equal(merges(repo).length, 1);
    assert.match(await historyOf('c-approve', 'held'), /merge approved by carol\nmerging: queued/);
  });
});
