/**
 * Issue 11 point 7: an approval covers the code as it was approved. When a merge conflict is resolved (a new
 * commit) the approval is cleared and asked again before the merge; the second approval merges it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { approveItemUpdate } from '../../common/api';
import type { EpicResult } from '../../common/status';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, itemStatus, smallPlan, startEpic, waitFor, waitForItem } from '../helpers/epics';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e));

describe('approval and later changes', () => {
  it('a conflict resolution after the approval clears it; the item waits for approval again, then merges', async () => {
    const repo = makeRepo('approve-again');
    const agent = fakeAgent({
      items: { a: { implement: { files: { 'shared.txt': 'from a\n' } } }, b: { implement: { files: { 'shared.txt': 'from b\n' }, delayMs: 300 }, 'resolve-conflict': { resolve: 'theirs' } } },
    });
    const plan = smallPlan('appr2', repo, [item('a'), item('b')], agent.command, { approval: 'before-merge', maxParallel: 2, review: { enabled: false, maxRounds: 1 } });
    const handle = await startEpic(env, plan);
    const waiting = (id: string) => waitForItem(env, 'appr2', id, ['approved'], (s) => /waiting for a human/.test(s.detail ?? ''));
    await waiting('a');
    await waiting('b');
    // b approved first and merges; then a is approved, conflicts with it, and its resolution is a new commit.
    await handle.executeUpdate(approveItemUpdate, { args: [{ itemId: 'b', approvedBy: 'alice' }] });
    await waitForItem(env, 'appr2', 'b', ['merged']);
    await handle.executeUpdate(approveItemUpdate, { args: [{ itemId: 'a', approvedBy: 'alice' }] });
    // The item's own status (the epic's view of it may lag a report behind): asked again after the resolution.
    const cleared = (l: string) => /approval by alice cleared: conflicts with main resolved/.test(l);
    const lines = await waitFor('a asks for approval again', async () => {
      const st = await itemStatus(env, 'appr2', 'a');
      return st.state === 'approved' && /waiting for a human/.test(st.detail ?? '') && st.history?.some(cleared) ? st.history : undefined;
    });
    assert.ok(lines.some(cleared), lines.join('\n'));
    assert.equal(merges(repo).length, 1, 'a is not merged on the first approval');
    await handle.executeUpdate(approveItemUpdate, { args: [{ itemId: 'a', approvedBy: 'bob' }] });
    const result = (await handle.result()) as EpicResult;
    assert.equal(result.phase, 'completed');
    assert.equal(merges(repo).length, 2);
    const after = (await itemStatus(env, 'appr2', 'a')).history ?? [];
    assert.ok(after.includes('merge approved by bob'), after.join('\n'));
  });
});
