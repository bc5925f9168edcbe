/**
 * A program continues as new when Temporal suggests it (here after 20 events, on a dev server told so): its epics
 * go on, the next run waits for each through an activity instead of a child handle, and cross-epic merges heard by
 * a later run still reach the epics that wait for them. The seed's example, end to end, with the simulated agent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { programWorkflowId } from '../../common/program';
import { useTemporal, workflowRuns } from '../helpers/temporal';
import { firstPayload } from '../helpers/history';
import { makeRepo, merges } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { overseer } from '../helpers/epics';
import { programResult, seedExample, writePlans } from '../helpers/program';

const SUGGEST_AT = 20;
let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { serverArgs: ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_AT}`] });

/** Every run of the program, oldest first, with the cross-epic merges it routed (`<epicId>/<itemId>`). */
async function programRuns(programId: string): Promise<{ runId: string; routed: string[]; status: string }[]> {
  const runs: { runId: string; routed: string[]; status: string; start: number }[] = [];
  for (const wf of await workflowRuns(env, programWorkflowId(programId))) {
    const history = await env.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    const routed: string[] = [];
    for (const e of history.events ?? []) {
      const a = e.signalExternalWorkflowExecutionInitiatedEventAttributes;
      if (a?.signalName !== 'externalDependencyMerged') continue;
      const m = firstPayload<{ epicId: string; itemId: string }>(a.input)!;
      routed.push(`${m.epicId}/${m.itemId}`);
    }
    runs.push({ runId: wf.runId, routed, status: wf.status.name, start: wf.startTime.getTime() });
  }
  return runs.sort((a, b) => a.start - b.start);
}

describe('a program that continues as new', () => {
  it('keeps every epic, routes later merges from its later runs, and ends with every epic completed', async () => {
    const repo = makeRepo('program-can');
    const agent = fakeAgent({ defaults: { '*': { delayMs: 200 } } });
    const specs = seedExample(repo).map((s) => ({ ...s, epicId: `${s.epicId}-can`, items: s.items.map((it) => ({ ...it, dependsOn: it.dependsOn?.map((d) => d.replace('shared-api/', 'shared-api-can/')) })) }));
    const run = await overseer(env, 'run', ...writePlans(specs, agent.command), '--program', 'seed-can');
    assert.equal(run.code, 0, run.stderr);

    const result = await programResult(env, 'seed-can');
    assert.deepEqual(result.epics.map((e) => [e.epicId, e.phase]), [['shared-api-can', 'completed'], ['dashboard-can', 'completed'], ['mobile-app-can', 'completed']]);

    const runs = await programRuns('seed-can');
    assert.ok(runs.length >= 2, `the program continued as new (runs: ${runs.length})`);
    assert.deepEqual(runs.slice(0, -1).map((r) => r.status), runs.slice(0, -1).map(() => 'CONTINUED_AS_NEW'));
    assert.equal(runs.at(-1)!.status, 'COMPLETED');
    const routed = runs.flatMap((r, i) => r.routed.map((key) => [key, i] as const));
    assert.deepEqual(routed.map(([key]) => key).sort(), ['shared-api-can/sa-1', 'shared-api-can/sa-2'], 'each cross-epic merge was routed once');
    const routedBy = new Map(routed);
    assert.ok([...routedBy.values()].some((i) => i > 0), `a later run routed a merge: ${JSON.stringify(runs.map((r) => r.routed))}`);

    const order = new Map(merges(repo).map((m, i) => [/^Merge ([^:]+):/.exec(m.subject)?.[1] ?? m.subject, i]));
    assert.equal(order.size, 7, [...order.keys()].join(', '));
    assert.ok(order.get('sa-2')! < order.get('db-1')!, 'shared-api-can/sa-2 merged before dashboard-can/db-1');
    assert.ok(order.get('sa-1')! < order.get('mb-1')!, 'shared-api-can/sa-1 merged before mobile-app-can/mb-1');

    // The last run's status (a query) still knows every epic's phase and what merged, carried over from the first.
    const status = await overseer(env, 'status', 'seed-can');
    assert.equal(status.code, 0, status.stderr);
    assert.equal((status.stdout.match(/ merged /g) ?? []).length, 7, status.stdout);
  });
});
