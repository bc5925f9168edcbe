/**
 * A validation round of a plan on a git remote loses its host (issue 12): the host that holds the inspection
 * worktree is SIGKILLed (worker and agent) in the middle of the product manager's session; the round starts again
 * on the other host, and its follow-up merges on the remote. Two worker hosts (their own workdirs) on loopback, a
 * bare remote over file://, the real dev server, the simulated agent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EpicResult } from '../../common/status';
import { startTestEnv } from '../helpers/temporal';
import { makeRepo, sh, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { epicStatus, item, smallPlan, startEpic, waitFor } from '../helpers/epics';
import { processesMatching, spawnWorker, type WorkerChild } from '../helpers/worker-child';

let env: TestWorkflowEnvironment | undefined;
const workers = new Map<string, WorkerChild>();
before(async () => (env = await startTestEnv()));
after(async () => {
  for (const w of workers.values()) w.proc.kill('SIGTERM');
  await Promise.all([...workers.values()].map((w) => w.exited));
  await env?.teardown();
});

/** The inspection worktrees a host holds now, as `<epic>/_validation-<round>`. */
function inspections(workdir: string): string[] {
  const dir = path.join(workdir, 'inspect');
  if (!existsSync(dir)) return [];
  const found = readdirSync(dir, { recursive: true }).map(String).filter((f) => /_validation-\d+$/.test(f) && existsSync(path.join(dir, f, '.git')));
  return found.map((f) => f.split(path.sep).slice(-2).join('/'));
}

describe('a validation round on a git remote whose host dies', () => {
  it('starts again on another host; its follow-up merges on the remote', async () => {
    const bare = path.join(tempDir('validation-host-lost-remote'), 'app.git');
    sh(tempDir('validation-host-lost'), 'clone', '-q', '--bare', makeRepo('validation-host-lost-src'), bare);
    const url = `file://${bare}`;
    // Round 1's first session (on the host that dies) is slow; the next ones (the scenario rewritten) are not.
    const validate = { verdicts: ['needs_work', 'needs_work', 'approved'], followUps: [{ title: 'Write the changelog' }] };
    const agent = fakeAgent({ defaults: { validate: { ...validate, delayMs: 120_000 } } });
    const workdirs = new Map<string, string>();
    for (const host of ['alpha', 'beta']) {
      workdirs.set(host, tempDir(`validation-host-lost-${host}`));
      const env_ = { OVERSEER_HOST: host, OVERSEER_WORKDIR: workdirs.get(host)!, OVERSEER_MAX_SESSIONS: '2', OVERSEER_CLAUDE_CONFIG_DIR: `${agent.configDir}-${host}` };
      workers.set(host, spawnWorker(env!.address, env_));
    }
    await Promise.all([...workers.values()].map((w) => w.ready));
    const plan = smallPlan('vlost', '', [item('a')], agent.command, {
      heartbeatTimeout: '3s',
      review: { enabled: false, maxRounds: 1 },
      validation: { enabled: true, maxRounds: 2 },
      agent: { heartbeatTimeout: '3s', retryInterval: '200ms' },
    });
    plan.repo = { path: '', url, targetBranch: 'main' };
    const done = (await startEpic(env!, plan)).result() as Promise<EpicResult>;

    const victim = await waitFor('the first round on a host', () => [...workdirs].find(([, dir]) => inspections(dir).includes('vlost/_validation-1'))?.[0], 90_000);
    // Under way: the agent process counted the session (the verdicts go by that count), not only started.
    const counted = () => existsSync(`${agent.scenarioFile}.state`) && readdirSync(`${agent.scenarioFile}.state`).some((f) => f.endsWith('.validate.count'));
    await waitFor('its session under way', () => processesMatching(agent.scenarioFile).length > 0 && counted());
    const survivor = victim === 'alpha' ? 'beta' : 'alpha';
    writeFileSync(agent.scenarioFile, JSON.stringify({ defaults: { validate } }));
    workers.get(victim)!.proc.kill('SIGKILL');
    for (const line of processesMatching(agent.scenarioFile)) process.kill(Number(line.split(/\s+/)[0]), 'SIGKILL');
    await workers.get(victim)!.exited;
    workers.delete(victim);

    const result = await done;
    assert.equal(result.phase, 'completed', JSON.stringify(result.items));
    assert.deepEqual(result.items.map((i) => [i.itemId, i.state]), [['a', 'merged'], ['vlost-v1-1', 'merged']]);
    const subjects = sh(bare, 'log', '--first-parent', '--reverse', '--format=%s', 'main').split('\n').filter((s) => s.startsWith('Merge '));
    assert.deepEqual(subjects, ['Merge a: Item a', 'Merge vlost-v1-1: Write the changelog']);
    assert.equal((await epicStatus(env!, 'vlost')).validationRounds, 2);
    assert.deepEqual(inspections(workdirs.get(survivor)!), [], `the rounds' worktrees on ${survivor} are gone`);
    assert.deepEqual(inspections(workdirs.get(victim)!), ['vlost/_validation-1'], "the dead host's leftover is its own");
  });
});
