/**
 * Validation (DESIGN §2): when every item has merged, a product-manager session checks the integrated branch;
 * `needs_work` adds its follow-ups to the same DAG, bounded by `validation.maxRounds`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EpicResult } from '../../common/status';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges, sh } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, smallPlan, startEpic, epicStatus } from '../helpers/epics';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e));

describe('epic validation', () => {
  it('adds the follow-ups of a needs_work verdict to the DAG and ends when validation approves', async () => {
    const repo = makeRepo('validate');
    const agent = fakeAgent({
      defaults: { validate: { verdicts: ['needs_work', 'approved'], followUps: [{ title: 'Document the login flow', description: 'Add docs/login.md' }] } },
    });
    const plan = smallPlan('val', repo, [item('a'), item('b', ['a'])], agent.command, { validation: { enabled: true, maxRounds: 3 } });
    const result = (await (await startEpic(env, plan)).result()) as EpicResult;
    assert.equal(result.phase, 'completed');
    assert.deepEqual(result.items.map((i) => [i.itemId, i.state]), [
      ['a', 'merged'],
      ['b', 'merged'],
      ['val-v1-1', 'merged'],
    ]);
    assert.deepEqual(merges(repo).map((m) => m.subject), ['Merge a: Item a', 'Merge b: Item b', 'Merge val-v1-1: Document the login flow']);
    const status = await epicStatus(env, 'val');
    assert.equal(status.validationRounds, 2);
    assert.equal(sh(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1, 'the validation worktree is gone');
  });

  it('stops after maxRounds even if validation keeps asking for more', async () => {
    const repo = makeRepo('validate-max');
    const agent = fakeAgent({ defaults: { validate: { verdicts: ['needs_work'], followUps: [{ title: 'More' }] } } });
    const plan = smallPlan('valmax', repo, [item('a')], agent.command, { validation: { enabled: true, maxRounds: 1 } });
    const result = (await (await startEpic(env, plan)).result()) as EpicResult;
    assert.equal(result.phase, 'completed');
    assert.deepEqual(result.items.map((i) => i.itemId), ['a', 'valmax-v1-1']);
    assert.equal(merges(repo).length, 2);
  });
});
