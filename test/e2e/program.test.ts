/**
 * Several epics in one run (issue 14), end to end on a real dev server and real git with the simulated agent:
 * the seed's example (shared-api, dashboard, mobile-app) through `overseer run a.yaml b.yaml c.yaml`, epics in two
 * repositories, two Beads epics linked by a `blocks` edge, and every bad input refused before anything starts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { itemStatusQuery } from '../../common/api';
import { epicWorkflowId, itemWorkflowId, TASK_QUEUE } from '../../common/ids';
import type { EpicResult } from '../../common/status';
import { programWorkflowId } from '../../common/program';
import { assembleProgram } from '../../client/program/assemble';
import { loadPrograms } from '../../client/program/load';
import { loadPlan } from '../../client/importers/index';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { withAgent } from '../helpers/plans';
import { epicStatus, overseer, smallPlan, startEpic, waitForItem } from '../helpers/epics';
import { beadsPair, programResult, seedExample, writePlans } from '../helpers/program';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e));

/** Position of each item's merge on main (by its merge subject `Merge <itemId>: ...`). */
function mergeOrder(repo: string): Map<string, number> {
  const order = new Map<string, number>();
  merges(repo).forEach((m, i) => order.set(/^Merge ([^:]+):/.exec(m.subject)?.[1] ?? m.subject, i));
  return order;
}

/** The prompts the simulated agent got for an item (from its session files, which record the user's messages). */
async function promptOf(epicId: string, itemId: string): Promise<string> {
  const st = await env.client.workflow.getHandle(itemWorkflowId(epicId, itemId)).query(itemStatusQuery);
  const projects = path.join(process.env.CLAUDE_CONFIG_DIR || path.join(os.homedir(), '.claude'), 'projects');
  const ids = new Set((st.sessions ?? []).map((s) => s.sessionId).concat(st.sessionId ? [st.sessionId] : []));
  const prompts: string[] = [];
  for (const dir of readdirSync(projects)) {
    for (const id of ids) {
      const f = path.join(projects, dir, `${id}.jsonl`);
      if (!existsSync(f)) continue;
      for (const line of readFileSync(f, 'utf8').split('\n').filter(Boolean)) {
        const e = JSON.parse(line) as { type?: string; message?: { content?: unknown } };
        if (e.type === 'user' && typeof e.message?.content === 'string') prompts.push(e.message.content);
      }
    }
  }
  return prompts.join('\n---\n');
}

describe('several epics in one run', () => {
  it("the seed's example: every item merged, each cross-epic dependency first, hand-offs in the prompts", async () => {
    const repo = makeRepo('program-seed');
    const agent = fakeAgent({ defaults: { '*': { delayMs: 200 } } });
    const files = writePlans(seedExample(repo), agent.command);
    const run = await overseer(env, 'run', ...files, '--program', 'seed');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /started program seed \(program\/seed\)/);
    assert.match(run.stdout, /Web UI: .*program%2Fseed/);
    // While db-1 waits, the program's status says for what.
    const waiting = await overseer(env, 'status', 'seed');
    assert.equal(waiting.code, 0, waiting.stderr);
    assert.match(waiting.stdout, /epic shared-api/);
    const result = await programResult(env, 'seed');
    assert.deepEqual(result.epics.map((e) => e.phase), ['completed', 'completed', 'completed']);
    const order = mergeOrder(repo);
    for (const id of ['sa-1', 'sa-2', 'db-1', 'db-2', 'db-3', 'mb-1', 'mb-2']) assert.ok(order.has(id), `${id} merged: ${[...order.keys()].join(', ')}`);
    assert.ok(order.get('sa-2')! < order.get('db-1')!, 'shared-api/sa-2 merged before dashboard/db-1');
    assert.ok(order.get('sa-1')! < order.get('mb-1')!, 'shared-api/sa-1 merged before mobile-app/mb-1');
    assert.match(await promptOf('dashboard', 'db-1'), /Hand-off from shared-api\/sa-2 \(merge commit [0-9a-f]+\): Implemented API contract/);
    assert.match(await promptOf('mobile-app', 'mb-1'), /Hand-off from shared-api\/sa-1 \(merge commit [0-9a-f]+\): Implemented API schema/);
    const db3 = await promptOf('dashboard', 'db-3');
    assert.match(db3, /Hand-off from dashboard\/db-1 \(merge commit [0-9a-f]+\): Implemented Item db-1/);
    assert.match(db3, /Hand-off from dashboard\/db-2 \(merge commit [0-9a-f]+\): Implemented Item db-2/);
    const done = await overseer(env, 'status', 'seed');
    assert.equal((done.stdout.match(/ merged /g) ?? []).length, 7, done.stdout);
  });

  it('epics in two repositories, each with its own merge queue', async () => {
    const repo = makeRepo('program-web');
    const apiRepo = makeRepo('program-api');
    const agent = fakeAgent();
    const files = writePlans(seedExample(repo, apiRepo).slice(0, 2).map((s) => ({ ...s, epicId: `${s.epicId}-2r`, items: s.items.map((it) => ({ ...it, dependsOn: it.dependsOn?.map((d) => d.replace('shared-api/', 'shared-api-2r/')) })) })), agent.command);
    const run = await overseer(env, 'run', ...files, '--program', 'two-repos', '--watch');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual([...mergeOrder(apiRepo).keys()].sort(), ['sa-1', 'sa-2']);
    assert.deepEqual([...mergeOrder(repo).keys()].sort(), ['db-1', 'db-2', 'db-3']);
    assert.match(run.stdout, /dashboard-2r\/db-1 +pending .*waits for shared-api-2r\/sa-2/);
  });

  it('an epic cancelled mid-run ends the program\'s record as cancelled; what waited for it elsewhere is blocked, naming why', async () => {
    const repo = makeRepo('program-cancel');
    const agent = fakeAgent({ items: { 'sa-1': { implement: { delayMs: 60_000 } } } });
    const specs = seedExample(repo).map((s) => ({ ...s, epicId: `${s.epicId}-c`, items: s.items.map((it) => ({ ...it, dependsOn: it.dependsOn?.map((d) => d.replace('shared-api/', 'shared-api-c/')) })) }));
    const run = await overseer(env, 'run', ...writePlans(specs, agent.command), '--program', 'cancelled');
    assert.equal(run.code, 0, run.stderr);
    await waitForItem(env, 'shared-api-c', 'sa-1', ['running']);
    const cancel = await overseer(env, 'cancel', 'shared-api-c');
    assert.equal(cancel.code, 0, cancel.stdout + cancel.stderr);
    const result = await programResult(env, 'cancelled');
    assert.deepEqual(Object.fromEntries(result.epics.map((e) => [e.epicId, e.phase])), { 'shared-api-c': 'cancelled', 'dashboard-c': 'failed', 'mobile-app-c': 'failed' });
    const mobile = await epicStatus(env, 'mobile-app-c'); // a closed workflow still answers
    const states = Object.fromEntries(mobile.items.map((i) => [i.itemId, [i.state, i.detail]]));
    assert.deepEqual(states['mb-1'], ['blocked', 'blocked by shared-api-c/sa-1 (epic shared-api-c cancelled)']);
    assert.deepEqual(states['mb-2'], ['blocked', 'blocked by mb-1']);
    const dashboard = (await env.client.workflow.getHandle(epicWorkflowId('dashboard-c')).result()) as EpicResult;
    assert.deepEqual(dashboard.items.map((i) => [i.itemId, i.state]), [['db-1', 'blocked'], ['db-2', 'merged'], ['db-3', 'blocked']]);
    assert.deepEqual([...mergeOrder(repo).keys()], ['db-2'], 'only what waited for nothing merged');
  });

  it('two Beads epics linked by a blocks edge run together in order; alone, the waiting child is left out as today', async () => {
    const repo = makeRepo('program-beads');
    const file = beadsPair();
    const alone = await loadPlan(file, { epic: 'bd-web', repo });
    assert.deepEqual(alone.items.map((i) => i.id), ['bd-web.2']);
    assert.match(alone.source?.kind === 'beads' ? alone.source.skipped![0].reason : '', /waits for bd-api\.1 \(open, outside epic bd-web\)/);
    const plan = await overseer(env, 'plan', file, '--all', '--repo', repo);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /edges across epics \(1\):\n {2}bd-web\/bd-web\.1 waits for bd-api\/bd-api\.1/);
    const agent = fakeAgent();
    const loaded = await loadPrograms([file], { all: true, repo });
    assert.deepEqual(loaded.map((l) => l.plan.epicId), ['bd-api', 'bd-web']);
    const epics = assembleProgram(loaded, 'beads-pair').map((p) => withAgent({ ...p, source: undefined }, agent.command));
    await env.client.workflow.start('programWorkflow', { workflowId: programWorkflowId('beads-pair'), taskQueue: TASK_QUEUE, args: [{ programId: 'beads-pair', epics }] });
    const result = await programResult(env, 'beads-pair');
    assert.deepEqual(result.epics.map((e) => e.phase), ['completed', 'completed']);
    const order = mergeOrder(repo);
    assert.ok(order.get('bd-api.1')! < order.get('bd-web.1')!, [...order.keys()].join(', '));
  });
});

describe('bad input: nothing starts, the message names file, item and field', () => {
  const agent = fakeAgent();
  async function refused(files: string[], pattern: RegExp): Promise<void> {
    const r = await overseer(env, 'run', ...files, '--program', `bad-${Math.random().toString(36).slice(2, 8)}`);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, pattern);
  }
  it('a dependency on an epic or item not in the run', async () => {
    const repo = makeRepo('bad-dep');
    const [a, b] = writePlans([{ epicId: 'bad-a', repo, items: [{ id: 'a1', dependsOn: ['nope/x1'] }] }, { epicId: 'bad-b', repo, items: [{ id: 'b1', dependsOn: ['bad-a/zz'] }] }], agent.command);
    await refused([a, b], /bad-a\.yaml: invalid plan\n {2}- item "a1"\.dependsOn: "nope\/x1" names epic "nope", which is not in this run/);
    const [c, d] = writePlans([{ epicId: 'bad-c', repo, items: [{ id: 'c1' }] }, { epicId: 'bad-d', repo, items: [{ id: 'd1', dependsOn: ['bad-c/zz'] }] }], agent.command);
    await refused([c, d], /bad-d\.yaml: invalid plan\n {2}- item "d1"\.dependsOn: "bad-c\/zz" names item "zz", which epic "bad-c" does not have/);
  });
  it('a cycle across epics, printed', async () => {
    const repo = makeRepo('bad-cycle');
    const files = writePlans([{ epicId: 'dashboard', repo, items: [{ id: 'db-1', dependsOn: ['shared-api/sa-2'] }] }, { epicId: 'shared-api', repo, items: [{ id: 'sa-2', dependsOn: ['dashboard/db-1'] }] }], agent.command);
    await refused(files, /dependency cycle across epics: (dashboard\/db-1 -> shared-api\/sa-2 -> dashboard\/db-1|shared-api\/sa-2 -> dashboard\/db-1 -> shared-api\/sa-2)/);
  });
  it('two plans with the same epic id', async () => {
    const repo = makeRepo('bad-dup');
    const [a] = writePlans([{ epicId: 'twin', repo, items: [{ id: 't1' }] }], agent.command);
    const [b] = writePlans([{ epicId: 'twin', repo, items: [{ id: 't2' }] }], agent.command);
    await refused([a, b], /twin\.yaml: invalid plan\n {2}- epicId: "twin" is also the epic id of .*twin\.yaml/);
  });
  it('an epic id already running', async () => {
    const repo = makeRepo('bad-running');
    const slow = fakeAgent({ defaults: { '*': { delayMs: 20_000 } } });
    const handle = await startEpic(env, smallPlan('busy', repo, [{ id: 'b1' }], slow.command));
    const files = writePlans([{ epicId: 'busy', repo, items: [{ id: 'b1' }] }, { epicId: 'other', repo, items: [{ id: 'o1' }] }], agent.command);
    await refused(files, /busy\.yaml: invalid plan\n {2}- epicId: epic "busy" is already running \(epic\/busy\)/);
    await handle.cancel();
  });
});
