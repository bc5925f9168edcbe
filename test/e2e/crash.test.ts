/**
 * The crash harness: workers run as child processes and are SIGKILLed at named points (activities/crash-points.ts)
 * — in the middle of an agent session, between worktree creation and the agent start, during a merge, between
 * the merge and its reply, during cleanup... A new worker takes over each time. After every trial: the epic
 * completed, each item merged exactly once, no worktree, branch or agent process left behind.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CrashPoint } from '../../activities/crash-points';
import { itemStatusQuery } from '../../common/api';
import { itemWorkflowId } from '../../common/ids';
import type { EpicResult } from '../../common/status';
import { startTestEnv } from '../helpers/temporal';
import { makeRepo, merges, sh, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, smallPlan, startEpic } from '../helpers/epics';
import { processesMatching, spawnWorker, type WorkerChild } from '../helpers/worker-child';

let env: TestWorkflowEnvironment;
const report: { trial: string; kills: number; passed: boolean }[] = [];

before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env?.teardown();
  const kills = report.reduce((n, r) => n + r.kills, 0);
  console.log(`crash harness: ${report.length} trials run, ${report.filter((r) => r.passed).length} passed, ${kills} worker kills`);
});

async function trial(name: string, points: CrashPoint[]): Promise<void> {
  const repo = makeRepo(`crash-${name}`);
  const crashDir = tempDir('crash-markers');
  const agent = fakeAgent({ defaults: { '*': { delayMs: 400 } } });
  const epicId = `crash-${name}`;
  const plan = smallPlan(epicId, repo, [item('a'), item('b'), item('c', ['a'])], agent.command, {
    heartbeatTimeout: '2s',
    gates: ['true'],
    agent: { heartbeatTimeout: '2s', retryInterval: '200ms' },
  });
  const workerEnv = { OVERSEER_CRASH_POINTS: points.join(','), OVERSEER_CRASH_DIR: crashDir, OVERSEER_CLAUDE_CONFIG_DIR: agent.configDir };
  let worker: WorkerChild = spawnWorker(env.address, workerEnv);
  await worker.ready;
  let kills = 0;
  try {
    const handle = await startEpic(env, plan);
    const done = handle.result() as Promise<EpicResult>;
    let result: EpicResult | undefined;
    const deadline = Date.now() + 150_000;
    while (!result) {
      assert.ok(Date.now() < deadline, `trial ${name} did not finish; worker output:\n${worker.output()}`);
      const next = await Promise.race([done.then((r) => ({ r })), worker.exited.then((e) => ({ e }))]);
      if ('r' in next) result = next.r;
      else {
        assert.equal(next.e.signal, 'SIGKILL', `worker died by a crash point, not otherwise:\n${worker.output()}`);
        kills++;
        worker = spawnWorker(env.address, workerEnv);
        await worker.ready;
      }
    }
    assert.equal(result.phase, 'completed', JSON.stringify(result.items));
    assert.deepEqual(result.items.map((i) => i.state), ['merged', 'merged', 'merged']);
    const fired = existsSync(crashDir) ? readdirSync(crashDir).filter((f) => f.endsWith('.fired')) : [];
    assert.equal(fired.length, points.length, `every armed crash point fired (${fired.join(', ')})`);
    assert.equal(kills, points.length);
    // Each item merged exactly once.
    const subjects = merges(repo).map((m) => m.subject);
    for (const id of ['a', 'b', 'c']) assert.equal(subjects.filter((s) => s.startsWith(`Merge ${id}:`)).length, 1, subjects.join(' | '));
    // Nothing left behind.
    assert.equal(sh(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1, sh(repo, 'worktree', 'list'));
    assert.equal(sh(repo, 'branch', '--list', 'overseer/*'), '');
    assert.ok(!existsSync(path.join(repo, '.overseer', 'merge')) || readdirSync(path.join(repo, '.overseer', 'merge')).length === 0, 'no scratch merge worktree left');
    let leftovers = processesMatching(agent.scenarioFile);
    for (let i = 0; i < 25 && leftovers.length; i++) {
      await sleep(200);
      leftovers = processesMatching(agent.scenarioFile);
    }
    assert.deepEqual(leftovers, [], 'no agent process left');
    if (points.includes('agent:mid-session')) {
      const notes: string[] = [];
      for (const id of ['a', 'b', 'c']) {
        const st = await env.client.workflow.getHandle(itemWorkflowId(epicId, id)).query(itemStatusQuery);
        notes.push(...(st.history ?? []));
      }
      assert.ok(notes.some((n) => /session .* resumed after an interruption/.test(n)), `a session was resumed, not restarted:\n${notes.join('\n')}`);
    }
    report.push({ trial: name, kills, passed: true });
  } catch (err) {
    report.push({ trial: name, kills, passed: false });
    throw err;
  } finally {
    worker.proc.kill('SIGKILL');
    await worker.exited;
  }
}

describe('crash harness (worker SIGKILLed at named points)', () => {
  const single: CrashPoint[] = [
    'worktree:after-create',
    'agent:mid-session',
    'agent:after-result',
    'commit:after',
    'gates:mid',
    'merge:before-publish',
    'merge:after-publish',
    'worktree:after-remove',
  ];
  for (const point of single) {
    it(`recovers from a kill at ${point}`, () => trial(point.replace(/[^a-z]+/g, '-'), [point]));
  }
  it('recovers from kills at five points in one run', () =>
    trial('many', ['worktree:after-create', 'agent:mid-session', 'commit:after', 'merge:after-publish', 'worktree:after-remove']));
});
