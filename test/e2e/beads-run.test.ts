/**
 * The Beads fixture end to end: `overseer run --beads --epic bd-auth` reads `bd export`, every open child merges in
 * dependency order on a throwaway repository with the simulated agent, and Beads hears about it through `bd` (a
 * fake `bd` on the worker's PATH that records its calls and keeps a JSONL database).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { epicStatusQuery, skipItemSignal } from '../../common/api';
import { epicWorkflowId, TASK_QUEUE } from '../../common/ids';
import type { EpicPlan } from '../../common/plan';
import type { EpicResult, EpicStatus } from '../../common/status';
import { loadPlan } from '../../client/importers/index';
import { checkRepository } from '../../client/preflight';
import { startTestEnv, startWorkers, type RunningWorkers } from '../helpers/temporal';
import { makeRepo, merges, sh } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { FIXTURES, withAgent } from '../helpers/plans';
import { bdCalls, bdIssues, beadsProject, fakeBdBin, prependPath } from '../helpers/fake-bd';

const FIXTURE_TEXT = readFileSync(path.join(FIXTURES, 'beads', 'issues.jsonl'), 'utf8');
const OPEN_CHILDREN = ['bd-auth.2', 'bd-auth.3', 'bd-auth.4', 'bd-auth.5', 'bd-auth.6'];

let env: TestWorkflowEnvironment;
let workers: RunningWorkers;
let restorePath: () => void;

before(async () => {
  restorePath = prependPath(fakeBdBin()); // the worker runs in this process: its PATH has the fake bd
  env = await startTestEnv();
  workers = await startWorkers(env);
});
after(async () => {
  await workers?.stop();
  await env?.teardown();
  restorePath?.();
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    last = await probe().catch((err: Error) => err.message);
    if (last && typeof last !== 'string') return last as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function importFixture(repo: string, project: string, command: string[]): Promise<EpicPlan> {
  const plan = withAgent(await loadPlan(undefined, { beads: true, epic: 'bd-auth', cwd: project, repo }), command);
  const notes = await checkRepository(plan);
  assert.ok(!notes.some((n) => n.includes('write-back')), `bd is on PATH: no note that write-back is off (${notes.join('; ')})`);
  return plan;
}

describe('Beads epic end to end', () => {
  it('merges every open child in dependency order and claims and closes each in Beads', async () => {
    const repo = makeRepo('beads-run');
    const project = beadsProject(FIXTURE_TEXT);
    const plan = await importFixture(repo, project, fakeAgent({}).command);
    assert.ok(plan.source?.kind === 'beads' && plan.source.writeBack);

    const result: EpicResult = await env.client.workflow.execute('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });
    assert.equal(result.phase, 'completed');
    const states = Object.fromEntries(result.items.map((i) => [i.itemId, i.state]));
    assert.deepEqual(states, { 'bd-auth.1': 'done', 'bd-auth.2': 'merged', 'bd-auth.3': 'merged', 'bd-auth.4': 'merged', 'bd-auth.5': 'merged', 'bd-auth.6': 'merged' });

    // Real merges on main, in dependency order; the closed child was not run again.
    const order = merges(repo).map((m) => /^Merge ([^:]+):/.exec(m.subject)![1]);
    assert.deepEqual([...order].sort(), OPEN_CHILDREN);
    for (const item of plan.items) for (const dep of item.dependsOn) if (dep !== 'bd-auth.1') assert.ok(order.indexOf(dep) < order.indexOf(item.id), `${dep} before ${item.id}`);
    const tree = sh(repo, 'ls-tree', '-r', '--name-only', 'main').split('\n');
    for (const id of OPEN_CHILDREN) assert.ok(tree.includes(`overseer-sim/${id}.md`), `${id}'s work is on main`);
    assert.ok(!tree.includes('overseer-sim/bd-auth.1.md'));

    // What bd was asked, in the project that holds .beads: export, then per item a claim before a close.
    const calls = bdCalls(project);
    assert.ok(calls.every((c) => c.cwd === project), 'bd runs where its database is');
    assert.deepEqual(calls[0].argv, ['export']);
    const mergeOf = Object.fromEntries(result.items.map((i) => [i.itemId, i.mergeCommit]));
    // (`show` calls are the write-back reading the issue first, so a retried activity writes nothing twice.)
    const rest = calls.slice(1).map((c) => c.argv).filter((a) => a[0] !== 'show');
    const idOf = (a: string[]) => a[a.length - 1];
    assert.equal(rest.length, 2 * OPEN_CHILDREN.length, JSON.stringify(rest));
    for (const id of OPEN_CHILDREN) {
      const claim = rest.findIndex((a) => a[0] === 'update' && idOf(a) === id);
      const close = rest.findIndex((a) => a[0] === 'close' && idOf(a) === id);
      assert.deepEqual(rest[claim], ['update', '--status=in_progress', '--', id]);
      assert.equal(rest[close].length, 4);
      assert.deepEqual([rest[close][0], ...rest[close].slice(2)], ['close', '--', id]);
      assert.match(rest[close][1], new RegExp(`^--reason=Implemented .+ \\(merge ${mergeOf[id]}\\)$`));
      assert.ok(claim < close, `${id} is claimed before it is closed`);
      // A dependent is claimed only after its dependencies were closed.
      for (const dep of plan.items.find((i) => i.id === id)!.dependsOn) {
        if (dep !== 'bd-auth.1') assert.ok(rest.findIndex((a) => a[0] === 'close' && idOf(a) === dep) < claim, `${dep} closed before ${id} is claimed`);
      }
    }
    // And the database shows it: every child closed, the earlier close reason untouched, nothing else changed.
    const issues = bdIssues(project);
    for (const id of OPEN_CHILDREN) assert.equal(issues.get(id)!.status, 'closed', id);
    assert.equal(issues.get('bd-auth.1')!.close_reason, 'Schema merged in an earlier run');
    assert.equal(issues.get('bd-x9k2')!.status, 'open');
    assert.equal(issues.get('bd-auth')!.status, 'open');

    const status = (await env.client.workflow.getHandle(epicWorkflowId(plan.epicId)).query(epicStatusQuery)) as EpicStatus;
    for (const s of status.items) assert.equal(s.writeBackErrors, undefined, `${s.itemId} wrote back without errors`);
  });

  it('comments on a failed item in Beads; the rest of the epic continues', async () => {
    const repo = makeRepo('beads-fail');
    const project = beadsProject(FIXTURE_TEXT);
    const agent = fakeAgent({ items: { 'bd-auth.2': { implement: { blocked: 'the brand guidelines are missing' } } } });
    const plan = await importFixture(repo, project, agent.command);
    const handle = await env.client.workflow.start('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });

    await waitFor('bd-auth.2 failed and the others merged', async () => {
      const st = await handle.query(epicStatusQuery);
      const by = Object.fromEntries(st.items.map((i) => [i.itemId, i.state]));
      return by['bd-auth.2'] === 'failed' && OPEN_CHILDREN.filter((id) => id !== 'bd-auth.2').every((id) => by[id] === 'merged') && st;
    });
    const comments = bdCalls(project).filter((c) => c.argv[0] === 'comments');
    assert.deepEqual(comments.map((c) => c.argv), [['comments', 'add', '--', 'bd-auth.2', 'Overseer could not finish this item: agent blocked: the brand guidelines are missing']]);
    const issues = bdIssues(project);
    assert.equal(issues.get('bd-auth.2')!.status, 'in_progress', 'a failed item stays claimed, not closed');
    assert.equal((issues.get('bd-auth.2')!.comments as { text: string }[]).length, 1);

    // A human skips it; the epic completes without closing it in Beads.
    await handle.signal(skipItemSignal, { itemId: 'bd-auth.2', reason: 'designs come later' });
    const result: EpicResult = await handle.result();
    assert.equal(result.phase, 'completed');
    assert.equal(bdIssues(project).get('bd-auth.2')!.status, 'in_progress');
    assert.equal(merges(repo).length, 4);
  });
});
