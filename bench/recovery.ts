/**
 * Recovery time after a worker is killed in the middle of an agent session: from the SIGKILL to the session
 * running again (the resumed CLI process started by a fresh worker), for a given session heartbeat timeout.
 *
 *   npx tsx bench/recovery.ts [--trials 3] [--heartbeat 30s]   (default: the plan default, DEFAULT_SETTINGS.agent.heartbeatTimeout)
 *
 * The replacement worker is started right after the kill, as a supervisor (systemd, Kubernetes) would; what is
 * measured is how long Temporal takes to notice the silent worker and hand the session to the new one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestEnv } from '../test/helpers/temporal';
import { makeRepo } from '../test/helpers/repo';
import { fakeAgent } from '../test/helpers/agent';
import { item, smallPlan, startEpic } from '../test/helpers/epics';
import { processesMatching, spawnWorker } from '../test/helpers/worker-child';
import { DEFAULT_SETTINGS } from '../common/plan';
import { option } from './args';

const trials = Number(option('trials', '3'));
const heartbeat = option('heartbeat', DEFAULT_SETTINGS.agent.heartbeatTimeout);
const retryInterval = option('retry-interval', DEFAULT_SETTINGS.agent.retryInterval);

const pids = (marker: string) => new Set(processesMatching(marker).map((l) => l.split(/\s+/)[0]));

const env = await startTestEnv();
const samples: number[] = [];
try {
  for (let t = 0; t < trials; t++) {
    const agent = fakeAgent({ items: { long: { implement: { delayMs: 8000 } } } });
    const repo = makeRepo('recovery');
    const plan = smallPlan(`recovery-${t}`, repo, [item('long')], agent.command, {
      review: { enabled: false, maxRounds: 1 },
      agent: { heartbeatTimeout: heartbeat, retryInterval },
    });
    const workerEnv = { OVERSEER_CLAUDE_CONFIG_DIR: agent.configDir };
    const first = spawnWorker(env.address, workerEnv);
    await first.ready;
    const handle = await startEpic(env, plan);
    while (pids(agent.scenarioFile).size === 0) await sleep(20);
    await sleep(1000); // well into the session
    const before = pids(agent.scenarioFile);
    const killedAt = Date.now();
    first.proc.kill('SIGKILL');
    const second = spawnWorker(env.address, workerEnv);
    // The session is running again when a CLI process with --resume appears that was not there before.
    for (;;) {
      const fresh = processesMatching(agent.scenarioFile).filter((l) => !before.has(l.split(/\s+/)[0]) && l.includes('--resume'));
      if (fresh.length) break;
      await sleep(20);
    }
    samples.push(Date.now() - killedAt);
    await handle.result();
    second.proc.kill('SIGTERM');
    await second.exited;
  }
} finally {
  await env.teardown();
}
samples.sort((a, b) => a - b);
const median = samples[Math.floor(samples.length / 2)];
console.log(`recovery after SIGKILL mid-session (agent heartbeatTimeout ${heartbeat}, retryInterval ${retryInterval}), ${trials} trials:`);
console.log(`  kill → session running again: median ${(median / 1000).toFixed(2)} s, min ${(samples[0] / 1000).toFixed(2)} s, max ${(samples[samples.length - 1] / 1000).toFixed(2)} s`);
