/**
 * Merge conflicts end to end (issue 4) on a real Temporal dev server and real git, with the simulated agent:
 * the resolution session merges main into the item branch and resolves; when it cannot, the item asks a human a
 * `merge_conflict` question, and `skip` lets the rest of the epic go on.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { answerQuestionUpdate, epicStatusQuery, itemStatusQuery, questionsQuery } from '../../common/api';
import { epicWorkflowId, itemWorkflowId, TASK_QUEUE } from '../../common/ids';
import type { EpicResult, ItemStatus, Question } from '../../common/status';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges, sh } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { queuePlan, waitFor, workItem } from '../helpers/merge-queue';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e));

/** A repository whose main has `config.txt`, the file both items rewrite. */
function repoWithConfig(prefix: string): string {
  const repo = makeRepo(prefix);
  writeFileSync(path.join(repo, 'config.txt'), 'name = sample\nvalue = 0\n');
  sh(repo, 'add', 'config.txt');
  sh(repo, 'commit', '-q', '-m', 'add config');
  return repo;
}

/**
 * A shell command for the first item's session: wait until the second item's worktree exists, so the second branch is
 * cut from main before the first merges (on a loaded machine its start may otherwise come after that merge, and then
 * nothing conflicts).
 */
const afterWorktreeOf = (itemId: string) => `for i in $(seq 600); do [ -e ../${itemId}/.git ] && exit 0; sleep 0.1; done; exit 1`;

const itemStatus = (epicId: string, itemId: string): Promise<ItemStatus> =>
  env.client.workflow.getHandle(itemWorkflowId(epicId, itemId)).query(itemStatusQuery);

describe('merge conflicts', () => {
  it('two items changing the same lines: the second conflicts, its resolution session resolves it, both merge', async () => {
    const repo = repoWithConfig('conflict');
    const resolved = 'name = sample\nvalue = A and B\n';
    const agent = fakeAgent({
      items: {
        a: { implement: { files: { 'config.txt': 'name = sample\nvalue = A\n' }, bash: [afterWorktreeOf('b')] } },
        // b finishes later, so a lands first and b's branch (cut from the same main) conflicts.
        b: {
          implement: { files: { 'config.txt': 'name = sample\nvalue = B\n' }, delayMs: 2500 },
          'resolve-conflict': { resolve: { 'config.txt': resolved } },
        },
      },
    });
    const plan = queuePlan('conf', repo, [workItem('a'), workItem('b')], agent.command, { maxParallel: 2 });
    const result: EpicResult = await env.client.workflow.execute('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });

    assert.equal(result.phase, 'completed');
    assert.deepEqual(result.items.map((i) => [i.itemId, i.state]), [['a', 'merged'], ['b', 'merged']]);
    const log = merges(repo);
    assert.deepEqual(log.map((m) => m.subject), ['Merge a: Item a', 'Merge b: Item b']);
    // The file's final content on main is the resolution's, and a's change is part of b's merged history.
    assert.equal(sh(repo, 'show', 'main:config.txt') + '\n', resolved);
    assert.equal(sh(repo, 'merge-base', '--is-ancestor', log[0].hash, log[1].parents[1]), '');
    const b = await itemStatus(plan.epicId, 'b');
    assert.ok(b.history!.some((h) => h.includes('conflict in config.txt; resolving')), `b resolved a conflict: ${b.history!.join(' | ')}`);
    const a = await itemStatus(plan.epicId, 'a');
    assert.ok(!a.history!.some((h) => h.includes('conflict in')), `a merged without a conflict: ${a.history!.join(' | ')}`);
    assert.equal(sh(repo, 'status', '--porcelain'), '');
  });

  it('a resolution that leaves conflict markers never reaches main; the implementer fixes it, then it merges', async () => {
    const repo = repoWithConfig('markers');
    const clean = 'name = sample\nvalue = 1 and 2\n';
    const agent = fakeAgent({
      items: {
        m1: { implement: { files: { 'config.txt': 'name = sample\nvalue = 1\n' }, bash: [afterWorktreeOf('m2')] } },
        m2: {
          implement: { files: { 'config.txt': 'name = sample\nvalue = 2\n' }, delayMs: 2500 },
          // The resolution "succeeds" but commits the markers; the fix session writes the real resolution.
          'resolve-conflict': { resolve: { 'config.txt': 'name = sample\n<<<<<<< HEAD\nvalue = 2\n=======\nvalue = 1\n>>>>>>> main\n' } },
          fix: { files: { 'config.txt': clean } },
        },
      },
    });
    // A merge gate makes the queue merge in a scratch worktree (without gates it merges in memory): both paths are covered.
    const plan = queuePlan('markers', repo, [workItem('m1'), workItem('m2')], agent.command, {
      maxParallel: 2,
      mergeGates: ['test -f config.txt'],
      review: { enabled: false, maxRounds: 1 },
    });
    const result: EpicResult = await env.client.workflow.execute('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });

    assert.deepEqual(result.items.map((i) => [i.itemId, i.state]), [['m1', 'merged'], ['m2', 'merged']]);
    assert.equal(sh(repo, 'show', 'main:config.txt') + '\n', clean);
    for (const commit of sh(repo, 'rev-list', '--first-parent', 'main', '--', 'config.txt').split('\n')) {
      assert.doesNotMatch(sh(repo, 'show', `${commit}:config.txt`), /^<<<<<<<|^>>>>>>>/m, `no markers in ${commit}`);
    }
    const m2 = await itemStatus(plan.epicId, 'm2');
    assert.ok(m2.history!.some((h) => h.startsWith('running: fixing merge gate failure: no leftover conflict markers')), m2.history!.join(' | '));
  });

  it('an unresolvable conflict asks a merge_conflict question; "skip" skips the item and the epic goes on', async () => {
    const repo = repoWithConfig('unresolvable');
    const agent = fakeAgent({
      items: {
        x: { implement: { files: { 'config.txt': 'name = sample\nvalue = X\n' }, bash: [afterWorktreeOf('y')] } },
        y: { implement: { files: { 'config.txt': 'name = sample\nvalue = Y\n' }, delayMs: 2500 }, 'resolve-conflict': { resolve: 'fail' } },
      },
    });
    // z depends on y: it starts only once y is merged or skipped by a human.
    const plan = queuePlan('unres', repo, [workItem('x'), workItem('y'), workItem('z', ['y'])], agent.command, { maxParallel: 3 });
    const handle = await env.client.workflow.start('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });

    const question = await waitFor('a merge_conflict question on y', async () => {
      const qs: Question[] = await handle.query(questionsQuery);
      return qs.find((q) => q.itemId === 'y' && q.kind === 'merge_conflict');
    });
    assert.deepEqual(question.options, ['retry', 'skip', 'abort']);
    assert.match(question.question, /config\.txt/);
    const st = await handle.query(epicStatusQuery);
    const y = st.items.find((i) => i.itemId === 'y')!;
    assert.equal(y.state, 'awaiting_answer');
    assert.equal(y.pendingQuestion?.questionId, question.questionId);
    assert.equal(st.items.find((i) => i.itemId === 'z')!.state, 'pending');
    assert.equal(merges(repo).length, 1, 'only x is merged while y waits');

    const accepted = await env.client.workflow
      .getHandle(itemWorkflowId(plan.epicId, 'y'))
      .executeUpdate(answerQuestionUpdate, { args: [{ questionId: question.questionId, answer: 'skip', answeredBy: 'test' }] });
    assert.equal(accepted.answer, 'skip');

    const result: EpicResult = await handle.result();
    assert.equal(result.phase, 'completed');
    assert.deepEqual(result.items.map((i) => [i.itemId, i.state]), [['x', 'merged'], ['y', 'skipped'], ['z', 'merged']]);
    assert.deepEqual(merges(repo).map((m) => m.subject), ['Merge x: Item x', 'Merge z: Item z']);
    assert.equal(sh(repo, 'show', 'main:config.txt'), 'name = sample\nvalue = X');
    assert.deepEqual(await handle.query(questionsQuery), []);
    const yStatus = await itemStatus(plan.epicId, 'y');
    assert.match(yStatus.detail ?? '', /skipped by test/);
  });

  it('"retry" after a human resolved the conflict in the item worktree merges the human resolution', async () => {
    const repo = repoWithConfig('manual');
    const agent = fakeAgent({
      items: {
        p: { implement: { files: { 'config.txt': 'name = sample\nvalue = P\n' }, bash: [afterWorktreeOf('q')] } },
        q: { implement: { files: { 'config.txt': 'name = sample\nvalue = Q\n' }, delayMs: 2500 }, 'resolve-conflict': { resolve: 'fail' } },
      },
    });
    const plan = queuePlan('manual', repo, [workItem('p'), workItem('q')], agent.command, { maxParallel: 2, review: { enabled: false, maxRounds: 1 } });
    const handle = await env.client.workflow.start('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });
    const question = await waitFor('a merge_conflict question on q', async () => {
      const qs: Question[] = await handle.query(questionsQuery);
      return qs.find((x) => x.itemId === 'q' && x.kind === 'merge_conflict');
    });

    // The human does what the question asks, in the worktree it names.
    const worktree = (await handle.query(epicStatusQuery)).items.find((i) => i.itemId === 'q')!.worktree!;
    assert.ok(question.question.includes(worktree));
    assert.throws(() => sh(worktree, 'merge', '-q', 'main'));
    assert.equal(sh(worktree, 'diff', '--name-only', '--diff-filter=U'), 'config.txt');
    writeFileSync(path.join(worktree, 'config.txt'), 'name = sample\nvalue = P, then Q\n');
    sh(worktree, 'commit', '-q', '-am', 'merge main, by hand');
    await handle.executeUpdate(answerQuestionUpdate, { args: [{ questionId: question.questionId, answer: 'retry', answeredBy: 'test' }] });

    const result: EpicResult = await handle.result();
    assert.deepEqual(result.items.map((i) => [i.itemId, i.state]), [['p', 'merged'], ['q', 'merged']]);
    assert.equal(sh(repo, 'show', 'main:config.txt'), 'name = sample\nvalue = P, then Q');
    assert.deepEqual(merges(repo).map((m) => m.subject), ['Merge p: Item p', 'Merge q: Item q']);
  });
});
