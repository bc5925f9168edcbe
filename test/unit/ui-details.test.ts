/** The Web UI's Markdown and summaries (common/ui-details.ts, common/activity-summaries.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { epicDetails, epicStaticDetails, itemDetails, summary } from '../../common/ui-details';
import { activitySummary } from '../../common/activity-summaries';
import type { ItemStatus } from '../../common/status';

const item = (id: string, dependsOn: string[] = []) => ({ id, title: `Item ${id}`, description: '', acceptance: [], dependsOn, files: [] });
const status = (s: Partial<ItemStatus> & { itemId: string }): ItemStatus => ({ title: `Item ${s.itemId}`, state: 'running', attempts: 1, costUsd: 0, ...s });

describe('Web UI details', () => {
  it('the epic table: one row per item with state, detail, open question and cost; pipes escaped', () => {
    const q = { questionId: 'e/b/1.1', epicId: 'e', itemId: 'b', kind: 'agent' as const, question: 'bcrypt | argon2?', askedAt: 0 };
    const md = epicDetails('Auth', 'running', [item('a'), item('b')], { a: status({ itemId: 'a', detail: 'gates', costUsd: 0.5 }), b: status({ itemId: 'b', state: 'awaiting_answer', pendingQuestion: q }) }, 0.5);
    assert.match(md, /^\*\*Auth\*\* — running, 2 items, cost \$0\.50/);
    assert.match(md, /\| a \| running \| gates \| {2}\| \$0\.50 \|/);
    assert.match(md, /\| b \| awaiting_answer \| {2}\| bcrypt \\\| argon2\? \| \$0\.00 \|/);
  });
  it('an item: state, detail and the question with its options; static details list the items', () => {
    const md = itemDetails(status({ itemId: 'a', state: 'awaiting_answer', detail: 'asked', pendingQuestion: { questionId: 'q1', epicId: 'e', itemId: 'a', kind: 'agent', question: 'Which?', options: ['x', 'y'], askedAt: 0 } }));
    assert.match(md, /state: \*\*awaiting_answer\*\* — asked/);
    assert.match(md, /\*\*Question\*\* \(agent, id `q1`\): Which\?\n\n- x\n- y/);
    assert.match(epicStaticDetails({ title: 'T', repo: { path: '/r', targetBranch: 'main' }, items: [item('a'), item('b', ['a'])] }), /- `b` Item b \(after a\)/);
    assert.ok(summary('x'.repeat(500)).length <= 190);
  });
  it('activity summaries from the type and input', () => {
    assert.equal(activitySummary('runAgent', [{ kind: 'review', item: { id: 'auth-3' } }]), 'review auth-3');
    assert.equal(activitySummary('mergeBranch', [{ branch: 'overseer/auth/auth-3', itemId: 'auth-3' }]), 'merge overseer/auth/auth-3');
    assert.equal(activitySummary('mergeStack', [{ requests: [{ branch: 'overseer/auth/auth-3' }] }]), 'merge overseer/auth/auth-3');
    assert.equal(activitySummary('mergeStack', [{ requests: [{ branch: 'x' }, { branch: 'y' }], publish: false }]), 'probe 2 branches (x, y)');
    assert.equal(activitySummary('prepareWorktree', [{ itemId: 'auth-3' }]), 'prepareWorktree auth-3');
  });
});
