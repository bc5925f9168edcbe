/**
 * A worker killed in the middle of a multi-epic run changes nothing: the seed's example still merges every item
 * exactly once, each cross-epic dependency first (the worker is a child process, SIGKILLed while items run).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { epicStatusQuery } from '../../common/api';
import { epicWorkflowId } from '../../common/ids';
import { startTestEnv } from '../helpers/temporal';
import { makeRepo, merges } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { overseer, waitFor } from '../helpers/epics';
import { programResult, seedExample, writePlans } from '../helpers/program';
import { spawnWorker, type WorkerChild } from '../helpers/worker-child';

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env?.teardown();
});

describe('a multi-epic run survives a worker crash', () => {
  it('kills the worker while shared-api/sa-2 and mobile-app run; every item still merges once, in order', async () => {
    const repo = makeRepo('program-crash');
    const agent = fakeAgent({ defaults: { '*': { delayMs: 600 } } });
    const files = writePlans(seedExample(repo), agent.command);
    const workerEnv = { OVERSEER_CLAUDE_CONFIG_DIR: agent.configDir };
    let worker: WorkerChild = spawnWorker(env.address, workerEnv);
    await worker.ready;
    try {
      const run = await overseer(env, 'run', ...files, '--program', 'crash');
      assert.equal(run.code, 0, run.stderr);
      await waitFor('shared-api/sa-1 merged', async () => {
        const st = await env.client.workflow.getHandle(epicWorkflowId('shared-api')).query(epicStatusQuery);
        return st.items.find((i) => i.itemId === 'sa-1')?.state === 'merged';
      });
      worker.proc.kill('SIGKILL');
      await worker.exited;
      worker = spawnWorker(env.address, workerEnv);
      await worker.ready;
      const result = await programResult(env, 'crash');
      assert.deepEqual(result.epics.map((e) => e.phase), ['completed', 'completed', 'completed']);
      const subjects = merges(repo).map((m) => /^Merge ([^:]+):/.exec(m.subject)?.[1] ?? m.subject);
      for (const id of ['sa-1', 'sa-2', 'db-1', 'db-2', 'db-3', 'mb-1', 'mb-2']) assert.equal(subjects.filter((s) => s === id).length, 1, subjects.join(', '));
      assert.ok(subjects.indexOf('sa-2') < subjects.indexOf('db-1'), subjects.join(', '));
      assert.ok(subjects.indexOf('sa-1') < subjects.indexOf('mb-1'), subjects.join(', '));
    } finally {
      worker.proc.kill('SIGKILL');
      await worker.exited;
    }
  });
});
