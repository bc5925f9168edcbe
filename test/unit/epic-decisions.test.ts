/** The epic's decisions (common/epic-dispatch.ts, common/epic-commands.ts), without a Temporal server. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { criticalPathLengths } from '../../common/dag';
import {
  cancelled,
  cancelPlan,
  canRetry,
  followUpItems,
  itemIdOf,
  mergedEarlier,
  planProblems,
  retried,
  skipped,
  skipPlan,
  skipReason,
  withChildError,
  withOutcome,
  withReport,
  answerRecipient,
  answerRefusal,
} from '../../common/epic-commands';
import {
  allGood,
  finalPhase,
  awaitingApproval,
  blockingChanges,
  epicResult,
  humanAttentionKey,
  initialStatus,
  isLive,
  itemsToStart,
  liveCount,
  needsHuman,
  normalizeItems,
  progress,
  waitingPhase,
  type Statuses,
} from '../../common/epic-dispatch';
import type { EpicPlan, WorkItem } from '../../common/plan';
import { crossEpicHolds } from '../../common/program';
import type { ItemState, ItemStatus, Question } from '../../common/status';

const item = (id: string, dependsOn: string[] = [], extra: Partial<WorkItem> = {}): WorkItem => ({ id, title: `title ${id}`, description: '', acceptance: [], dependsOn, files: [], ...extra });
const status = (id: string, state: ItemState, extra: Partial<ItemStatus> = {}): ItemStatus => ({ itemId: id, title: `title ${id}`, state, attempts: 0, costUsd: 0, ...extra });
const statusesOf = (states: Record<string, ItemState>): Statuses => Object.fromEntries(Object.entries(states).map(([id, s]) => [id, status(id, s)]));
const question = (id: string, itemId: string, extra: Partial<Question> = {}): Question => ({ questionId: id, epicId: 'e', itemId, kind: 'agent', question: '?', askedAt: 1, ...extra });

// a → b → c, and d on its own (priority 0)
const items = [item('a'), item('b', ['a']), item('c', ['b']), item('d', [], { priority: 0 })];
const critical = criticalPathLengths(items);

describe('which items start, and in what order', () => {
  it('fills the optional fields of plan items and gives each a first status', () => {
    const [n] = normalizeItems([{ id: 'x', title: 't' } as WorkItem]);
    assert.deepEqual([n.acceptance, n.dependsOn, n.files, n.description], [[], [], [], '']);
    assert.equal(initialStatus(item('x')).state, 'pending');
    assert.equal(initialStatus(item('x', [], { done: true })).state, 'done');
  });

  it('starts pending items whose dependencies are satisfied: priority first, then the critical path', () => {
    const ready = itemsToStart(items, critical, statusesOf({ a: 'pending', b: 'pending', c: 'pending', d: 'pending' }), false);
    assert.deepEqual(ready.map((it) => it.id), ['d', 'a']);
    const next = itemsToStart(items, critical, statusesOf({ a: 'skipped', b: 'pending', c: 'pending', d: 'running' }), false);
    assert.deepEqual(next.map((it) => it.id), ['b']);
  });

  it('counts started, unfinished items as live', () => {
    const s = statusesOf({ a: 'running', b: 'pending', c: 'awaiting_answer', d: 'merged' });
    assert.equal(liveCount(items, s), 2);
    assert.equal(isLive(status('x', 'rejected')), true);
  });
});

describe('blocking', () => {
  it('blocks the dependents of a failed item down the chain, and unblocks them when it is retried', () => {
    const s = statusesOf({ a: 'failed', b: 'pending', c: 'pending', d: 'pending' });
    const changes = blockingChanges(items, s);
    assert.deepEqual(Object.keys(changes).sort(), ['b', 'c']);
    assert.equal(changes.b.detail, 'blocked by a');
    assert.equal(changes.c.detail, 'blocked by b');
    assert.equal(s.b.state, 'pending', 'the input is not changed');
    const after = { ...s, ...changes, a: retried(s.a) };
    const unblocked = blockingChanges(items, after);
    assert.deepEqual([unblocked.b.state, unblocked.c.state], ['pending', 'pending']);
  });

  it('blocks, for good, what waits for another epic that ended without it; what it already got still counts', () => {
    const x = [item('x', [], { crossEpicDependsOn: ['api/a1'] }), item('y', ['x']), item('z', [], { crossEpicDependsOn: ['api/a2'] })];
    const program = { received: { 'api/a2': { epicId: 'api', itemId: 'a2' } }, reported: [], ended: { api: 'cancelled' } };
    const holds = crossEpicHolds(x, program);
    assert.deepEqual(holds, { x: ['api/a1 (epic api cancelled)'] });
    const changes = blockingChanges(x, statusesOf({ x: 'pending', y: 'pending', z: 'pending' }), holds);
    assert.deepEqual(Object.fromEntries(Object.entries(changes).map(([id, c]) => [id, c.detail])), { x: 'blocked by api/a1 (epic api cancelled)', y: 'blocked by x' });
    assert.deepEqual(crossEpicHolds(x, { ...program, ended: {} }), {}, 'a live epic may still merge it');
  });
});

describe('when the epic is done or waits for a human', () => {
  it('is done when every item is finished and none failed', () => {
    assert.equal(progress(items, statusesOf({ a: 'merged', b: 'skipped', c: 'done', d: 'merged' })).done, true);
    const p = progress(items, statusesOf({ a: 'failed', b: 'blocked', c: 'blocked', d: 'merged' }));
    assert.deepEqual([p.done, p.allTerminal, p.failed], [false, true, ['a']]);
    assert.equal(waitingPhase(false, p, 0), 'awaiting_human');
    assert.equal(waitingPhase(true, p, 0), 'paused');
    const running = progress(items, statusesOf({ a: 'failed', b: 'blocked', c: 'blocked', d: 'running' }));
    assert.equal(waitingPhase(false, running, 1), 'running');
  });

  it('completes only when everything is merged, done or skipped', () => {
    assert.equal(allGood(items, statusesOf({ a: 'merged', b: 'skipped', c: 'done', d: 'merged' })), true);
    assert.equal(allGood(items, statusesOf({ a: 'merged', b: 'cancelled', c: 'done', d: 'merged' })), false);
    // Issue 18: cancel one item, skip another: the epic completes; it fails only when an item failed or is left blocked.
    assert.equal(finalPhase(items, statusesOf({ a: 'cancelled', b: 'skipped', c: 'done', d: 'merged' })), 'completed');
    assert.equal(finalPhase(items, statusesOf({ a: 'failed', b: 'skipped', c: 'done', d: 'merged' })), 'failed');
    assert.equal(finalPhase(items, statusesOf({ a: 'cancelled', b: 'blocked', c: 'done', d: 'merged' })), 'failed');
  });

  it('names what humans are asked for: open questions, failed items, merges to approve', () => {
    const s = statusesOf({ a: 'approved', b: 'failed', c: 'pending', d: 'running' });
    s.d = status('d', 'awaiting_answer', { pendingQuestion: question('e/d/1.1', 'd') });
    assert.equal(humanAttentionKey(items, s, 'before-merge'), 'e/d/1.1,b,approve:a');
    assert.equal(humanAttentionKey(items, s, 'none'), 'e/d/1.1,b');
    assert.deepEqual(awaitingApproval(items, s, 'none'), []);
    assert.equal(needsHuman(items, statusesOf({ a: 'approved', b: 'running', c: 'pending', d: 'merged' }), 'none'), false);
    assert.equal(needsHuman(items, statusesOf({ a: 'approved', b: 'running', c: 'pending', d: 'merged' }), 'before-merge'), true);
  });

  it('sums costs and durations into the result', () => {
    const s = statusesOf({ a: 'merged', b: 'merged', c: 'merged', d: 'merged' });
    s.a = status('a', 'merged', { costUsd: 0.1, startedAt: 10, finishedAt: 25 });
    s.b = status('b', 'merged', { costUsd: 0.2 });
    const r = epicResult('e', 'completed', items, s, 5, 105);
    assert.equal(r.costUsd, 0.3);
    assert.equal(r.durationMs, 100);
    assert.equal(r.items[0].durationMs, 15);
    assert.equal(r.items[1].durationMs, undefined);
  });
});

describe("what a human's retry, skip or cancel changes", () => {
  it('retries only failed or cancelled items', () => {
    assert.equal(canRetry(status('a', 'failed')), true);
    assert.equal(canRetry(status('a', 'cancelled')), true);
    assert.equal(canRetry(status('a', 'rejected')), false);
    const r = retried(status('a', 'failed', { finishedAt: 9, pendingQuestion: question('q', 'a') }));
    assert.deepEqual([r.state, r.detail, r.finishedAt, r.pendingQuestion], ['pending', 'retry requested', undefined, undefined]);
  });

  it('skips: stops a live child, removes the worktree a failed item kept, leaves merged items alone', () => {
    assert.deepEqual(skipPlan(status('a', 'running')), { stopChild: true, removeWorktree: false });
    assert.deepEqual(skipPlan(status('a', 'failed')), { stopChild: false, removeWorktree: true });
    assert.deepEqual(skipPlan(status('a', 'pending')), { stopChild: false, removeWorktree: false });
    assert.equal(skipPlan(status('a', 'merged')), undefined);
    assert.equal(skipPlan(status('a', 'done')), undefined);
    assert.deepEqual([skipped(status('a', 'failed'), undefined, 7).detail, skipped(status('a', 'failed'), 'not needed', 7).detail], ['skipped by a human', 'not needed']);
    assert.equal(skipped(status('a', 'failed'), undefined, 7).finishedAt, 7);
    assert.equal(skipReason({ itemId: 'a', reason: '  ' }), undefined);
    assert.equal(skipReason({ itemId: 'a', reason: 'dup' }), 'dup');
  });

  it('cancels anything not finished yet', () => {
    for (const s of ['merged', 'done', 'skipped', 'cancelled'] as const) assert.equal(cancelPlan(status('a', s)), undefined);
    assert.deepEqual(cancelPlan(status('a', 'awaiting_answer')), { stopChild: true, removeWorktree: false });
    assert.deepEqual(cancelPlan(status('a', 'blocked')), { stopChild: false, removeWorktree: false });
    assert.equal(cancelled(status('a', 'running'), 3).state, 'cancelled');
  });

  it('reads the item id of a hand-typed payload', () => {
    assert.equal(itemIdOf({ itemId: 'a' }), 'a');
    assert.equal(itemIdOf({ itemId: 3 }), undefined);
    assert.equal(itemIdOf(null), undefined);
  });
});

describe("what the items' reports change", () => {
  it('takes a report, clearing what the item cleared, keeping the epic-side history', () => {
    const prev = status('a', 'awaiting_answer', { detail: 'asking', pendingQuestion: question('q', 'a'), history: ['x'] });
    const next = withReport(prev, { ...status('a', 'running'), costUsd: 1 } as ItemStatus);
    assert.deepEqual([next.state, next.detail, next.pendingQuestion, next.history, next.costUsd], ['running', undefined, undefined, ['x'], 1]);
  });

  it('applies an outcome once', () => {
    const s = status('a', 'merging', { mergeCommit: 'old' });
    const out = withOutcome(s, { itemId: 'a', state: 'merged', mergeCommit: 'abc', attempts: 2, costUsd: 0.5 }, 42)!;
    assert.deepEqual([out.state, out.mergeCommit, out.attempts, out.finishedAt], ['merged', 'abc', 2, 42]);
    assert.equal(withOutcome(out, { itemId: 'a', state: 'merged', attempts: 2, costUsd: 0.5 }, 43), undefined);
    assert.equal(withChildError(s, true, 'gone', 5).state, 'cancelled');
    assert.equal(withChildError(s, false, 'bug', 5).state, 'failed');
  });

  it('marks pending items an earlier run merged', () => {
    const changes = mergedEarlier(statusesOf({ a: 'pending', b: 'done' }), { a: 'c1', b: 'c2', zz: 'c3' });
    assert.deepEqual(Object.keys(changes), ['a']);
    assert.equal(changes.a.mergeCommit, 'c1');
  });

  it('routes answers to the item that asked', () => {
    const s = statusesOf({ a: 'running', b: 'running', c: 'pending', d: 'pending' });
    s.b = status('b', 'awaiting_answer', { pendingQuestion: question('e/b/1.1', 'b') });
    assert.equal(answerRecipient(items, s, 'e', 'e/b/1.1'), 'b');
    assert.equal(answerRecipient(items, s, 'e', 'e/a/1.3'), 'a', 'an id naming the item, though not open');
    assert.equal(answerRecipient(items, s, 'e', 'other'), undefined);
    assert.equal(answerRefusal(items, s, 'e', { questionId: 'e/b/1.1', answer: 'yes' }), undefined);
    assert.equal(answerRefusal(items, s, 'e', { questionId: 'e/b/1.1', answer: ' ' }), 'the answer is empty');
    assert.match(answerRefusal(items, s, 'e', { questionId: 'nope', answer: 'x' })!, /no open question with id "nope" in epic e \(open: e\/b\/1.1\)/);
  });
});

describe('follow-ups and plan checks', () => {
  it('names follow-ups by the proposed id when it is free, else by epic and round', () => {
    const taken = new Set(['a', 'e-v1-2']);
    const added = followUpItems([{ id: 'fix-x', title: 'Fix x' }, { title: '' }, { id: 'a', title: 'dup' }, { id: 'fix-x', title: 'again' }], 'e', 1, (id) => taken.has(id));
    assert.deepEqual(added.map((a) => a.item.id), ['fix-x', 'e-v1-2-2', 'e-v1-3', 'e-v1-4']);
    assert.equal(added[1].item.title, 'Follow-up 2');
    assert.equal(added[0].status.detail, 'follow-up of validation round 1');
  });

  it('reports what is wrong with a plan', () => {
    const plan = (p: Partial<EpicPlan>) => ({ epicId: 'e', title: 't', repo: { path: '/r', targetBranch: 'main' }, items: [item('a')], ...p }) as EpicPlan;
    assert.deepEqual(planProblems(plan({})), []);
    assert.deepEqual(planProblems(plan({ epicId: 'bad id' })), ['epicId: may only contain letters, digits, ".", "_" and "-"']);
    // The same rules and messages as `overseer plan`, durations included (a plan may come from `temporal workflow start`).
    const held = planProblems(plan({ settings: { mergeHoldRetry: '30 seconds' } as EpicPlan['settings'] }));
    assert.deepEqual(held, ['settings.mergeHoldRetry: must be a duration such as "30s", "5m", "2h" or "1d"']);
    assert.deepEqual(planProblems(plan({ settings: { maxParalel: 3 } as unknown as EpicPlan['settings'] })), ['settings: unknown setting "maxParalel", did you mean "maxParallel"?']);
    assert.deepEqual(planProblems(plan({ repo: undefined as unknown as EpicPlan['repo'] })), ['repo.path: is required (normalize the plan with `overseer plan <file> --json`)']);
    assert.deepEqual(planProblems(null as unknown as EpicPlan), ['plan: must be an object (the output of `overseer plan <file> --json`)']);
    assert.deepEqual(planProblems(plan({ items: [] })), ['items: a plan needs at least one item']);
    assert.match(planProblems(plan({ items: [item('a', ['b']), item('b', ['a'])] })).join(), /dependency cycle/);
  });
});
