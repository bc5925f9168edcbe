/**
 * A rolling deploy with Worker Versioning (issue 16), on a real dev server: an epic runs on build v1; v2 workers
 * (whose workflow code would not replay v1's histories) start and v2 is made current; v1's items finish on v1,
 * the epic continues-as-new onto v2 and starts its later items there, every item merges once, v1 then stops.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { epicWorkflowId, itemWorkflowId } from '../../common/ids';
import type { EpicResult } from '../../common/status';
import { WORKFLOW_INTERCEPTOR_MODULES, WORKFLOWS_PATH } from '../../workers/bundle';
import { currentBuildId, setCurrentBuild } from '../../workers/versioning';
import { startTestEnv, startWorkers, workflowRuns, type RunningWorkers } from '../helpers/temporal';
import { makeRepo, merges } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, smallPlan, startEpic, waitFor, waitForItem } from '../helpers/epics';

const V2_INTERCEPTORS = fileURLToPath(new URL('../fixtures/v2/interceptors.ts', import.meta.url));

let env: TestWorkflowEnvironment;
let v1: RunningWorkers | undefined;
let v2: RunningWorkers | undefined;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await v1?.stop();
  await v2?.stop();
  await env?.teardown();
});

/** The build a workflow run is pinned to (or ran on last), and its versioning behavior, from describe. */
async function buildOf(workflowId: string, runId?: string): Promise<{ buildId?: string; behavior?: unknown }> {
  const d = await env.client.workflow.getHandle(workflowId, runId).describe();
  const v = d.raw.workflowExecutionInfo?.versioningInfo;
  return { buildId: v?.deploymentVersion?.buildId ?? undefined, behavior: v?.behavior };
}

/**
 * The run's failed workflow tasks other than the benign `UnhandledCommand` (a signal that arrived while the task
 * completed, e.g. with continue-as-new): a non-determinism error shows here.
 */
async function taskFailures(workflowId: string, runId?: string): Promise<string[]> {
  const h = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  return (h.events ?? [])
    .filter((e) => e.workflowTaskFailedEventAttributes)
    .map((e) => e.workflowTaskFailedEventAttributes!.failure?.message ?? '?')
    .filter((m) => m !== 'UnhandledCommand');
}

async function epicRuns(epicId: string): Promise<string[]> {
  return (await workflowRuns(env, epicWorkflowId(epicId))).map((wf) => wf.runId);
}

describe('rolling deploy', () => {
  it('v1 items finish on v1, the epic moves to v2 at continue-as-new, later items run on v2, each merges once', async () => {
    const v2Bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES, V2_INTERCEPTORS], logger: quiet });
    v1 = await startWorkers(env, { buildId: 'v1' });
    await waitFor('v1 current', async () => (await currentBuildId(env.client, 'default')) === 'v1', 30_000);

    const repo = makeRepo('rolling');
    const agent = fakeAgent({ items: { a: { implement: { delayMs: 6000 } }, b: { implement: { delayMs: 6000 } } } });
    const plan = smallPlan('rolling', repo, [item('a'), item('b'), item('c', ['a'])], agent.command, { maxParallel: 3, review: { enabled: false, maxRounds: 1 } });
    const epic = await startEpic(env, plan);
    // Their sessions started on v1 (the item's first report).
    await waitForItem(env, 'rolling', 'a', ['running'], (s) => s.detail === 'implementing');
    await waitForItem(env, 'rolling', 'b', ['running'], (s) => s.detail === 'implementing');

    v2 = await startWorkers(env, { buildId: 'v2', workflowBundle: v2Bundle, promoteIfNone: false });
    await waitFor('v2 made current', async () => {
      await setCurrentBuild(env.client, 'default', 'v2', 'test');
      return (await currentBuildId(env.client, 'default')) === 'v2';
    }, 30_000);

    const result = (await env.client.workflow.getHandle(epicWorkflowId('rolling')).result()) as EpicResult;
    assert.equal(result.phase, 'completed');

    // Items that started on v1 stayed there, without a single failed workflow task.
    for (const id of ['a', 'b']) {
      assert.deepEqual(await buildOf(itemWorkflowId('rolling', id)), { buildId: 'v1', behavior: 1 }, `item ${id}`);
      assert.deepEqual(await taskFailures(itemWorkflowId('rolling', id)), [], `item ${id}`);
    }
    // The epic continued-as-new onto v2 (its first run stayed on v1), and the item started after it runs on v2.
    const runs = await epicRuns('rolling');
    assert.ok(runs.length >= 2, `epic runs: ${runs.length}`);
    assert.equal((await buildOf(epicWorkflowId('rolling'), epic.firstExecutionRunId)).buildId, 'v1');
    assert.equal((await buildOf(epicWorkflowId('rolling'))).buildId, 'v2');
    assert.equal((await buildOf(itemWorkflowId('rolling', 'c'))).buildId, 'v2');
    for (const runId of runs) assert.deepEqual(await taskFailures(epicWorkflowId('rolling'), runId), []);

    // Each item merged exactly once.
    const subjects = merges(repo).map((m) => /^Merge ([^:]+):/.exec(m.subject)?.[1]);
    assert.deepEqual(subjects.sort(), ['a', 'b', 'c']);

    // Nothing runs on v1 any more: its workers stop cleanly.
    await v1.stop();
    v1 = undefined;
  });
});

const noop = () => undefined;
const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m) };
