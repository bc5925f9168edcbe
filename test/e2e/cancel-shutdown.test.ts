/**
 * Stopping things on purpose: `overseer cancel` stops every agent process of the epic within seconds and removes
 * (or keeps) the worktrees; a worker asked to stop (SIGTERM) lets sessions run for its grace period and the
 * session then continues on another worker.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { itemStatusQuery } from '../../common/api';
import { epicWorkflowId, itemWorkflowId } from '../../common/ids';
import type { EpicResult } from '../../common/status';
import { startTestEnv } from '../helpers/temporal';
import { makeRepo, merges, sh } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, smallPlan, startEpic, waitFor, waitForStatus } from '../helpers/epics';
import { processesMatching, spawnWorker, type WorkerChild } from '../helpers/worker-child';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../bin/overseer.js', import.meta.url));
let env: TestWorkflowEnvironment;
const workers: WorkerChild[] = [];

before(async () => {
  env = await startTestEnv();
});
after(async () => {
  for (const w of workers) w.proc.kill('SIGKILL');
  await env?.teardown();
});

/** Waits (up to a minute: a worker process starting on a loaded machine is slow) for n agent processes. */
async function untilAgents(marker: string, n: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (processesMatching(marker).length >= n) return;
    await sleep(100);
  }
  throw new Error(`expected ${n} agent processes for ${marker}`);
}

function worktrees(repo: string): string[] {
  return sh(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice(9));
}

describe('cancel and graceful shutdown', () => {
  for (const keep of [false, true]) {
    it(`overseer cancel stops every agent process${keep ? ' and keeps worktrees with --keep-worktrees' : ' and removes the worktrees'}`, async () => {
      const repo = makeRepo('cancel');
      const agent = fakeAgent({ defaults: { '*': { delayMs: 60_000 } } });
      const w = spawnWorker(env.address, { OVERSEER_CLAUDE_CONFIG_DIR: agent.configDir });
      workers.push(w);
      await w.ready;
      const epicId = keep ? 'cancel-keep' : 'cancel-rm';
      const plan = smallPlan(epicId, repo, [item('a'), item('b'), item('c', ['a'])], agent.command);
      const handle = await startEpic(env, plan);
      await untilAgents(agent.scenarioFile, 2);
      assert.equal(worktrees(repo).length, 3);

      await run(process.execPath, [CLI, 'cancel', epicId, ...(keep ? ['--keep-worktrees'] : [])], { env: { ...process.env, TEMPORAL_ADDRESS: env.address } });
      await assert.rejects(handle.result(), /cancel/i);
      // Within seconds, no agent process of this epic is left in the process table.
      let left = processesMatching(agent.scenarioFile);
      for (let i = 0; i < 50 && left.length; i++) {
        await sleep(100);
        left = processesMatching(agent.scenarioFile);
      }
      assert.deepEqual(left, []);
      for (const id of ['a', 'b']) {
        // The item says "cancelled" to the epic just before its own workflow closes: give it a moment.
        const d = await waitFor(`item ${id} closed`, async () => {
          const desc = await env.client.workflow.getHandle(itemWorkflowId(epicId, id)).describe();
          return desc.status.name !== 'RUNNING' && desc;
        }, 10_000);
        assert.equal(d.status.name, 'CANCELLED', `item ${id}`);
      }
      assert.equal(merges(repo).length, 0);
      if (keep) {
        assert.equal(worktrees(repo).length, 3, 'worktrees kept');
      } else {
        assert.deepEqual(worktrees(repo), [worktrees(repo)[0]], 'only the user checkout remains');
        assert.ok(!existsSync(path.join(repo, '.overseer', 'worktrees', epicId, 'a')));
      }
      w.proc.kill('SIGTERM');
      await w.exited;
    });
  }

  it('a worker stopped with SIGTERM hands its session over: it continues on another worker', async () => {
    const repo = makeRepo('shutdown');
    const agent = fakeAgent({ items: { only: { implement: { delayMs: 5000 } } } });
    const first = spawnWorker(env.address, { OVERSEER_CLAUDE_CONFIG_DIR: agent.configDir, OVERSEER_SHUTDOWN_GRACE: '1s' });
    workers.push(first);
    await first.ready;
    const plan = smallPlan('shutdown', repo, [item('only')], agent.command, {
      agent: { heartbeatTimeout: '3s', retryInterval: '200ms' },
    });
    const handle = await startEpic(env, plan);
    await untilAgents(agent.scenarioFile, 1);
    await sleep(500);
    first.proc.kill('SIGTERM');
    const exit = await first.exited;
    assert.equal(exit.code, 0, `graceful exit:\n${first.output()}`);
    let left = processesMatching(agent.scenarioFile);
    for (let i = 0; i < 50 && left.length; i++) {
      await sleep(100);
      left = processesMatching(agent.scenarioFile);
    }
    assert.deepEqual(left, [], 'the session process stopped with its worker');

    const second = spawnWorker(env.address, { OVERSEER_CLAUDE_CONFIG_DIR: agent.configDir });
    workers.push(second);
    await second.ready;
    const result = (await handle.result()) as EpicResult;
    assert.equal(result.items[0].state, 'merged');
    const st = await env.client.workflow.getHandle(itemWorkflowId('shutdown', 'only')).query(itemStatusQuery);
    assert.ok(st.history?.some((h) => /implement session .* resumed after an interruption/.test(h)), st.history?.join('\n'));
    await waitForStatus(env, 'shutdown', (s) => s.phase === 'completed').catch(() => undefined);
    void epicWorkflowId;
    second.proc.kill('SIGTERM');
    await second.exited;
  });
});
