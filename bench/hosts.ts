/**
 * Hosts (issue 12): a wide plan on a git remote (24 independent items, 5 s simulated sessions, review off) run on
 * 1, 2 and 3 worker hosts of `--max-sessions 2` each, in one run; each host is its own worker process with its own
 * workdir (like `overseer worker --host h<k> --workdir <dir> --max-sessions 2`), the remote a `git daemon`.
 * Prints the makespans and the speedups over one host (goal: 3 hosts at least 2.6x faster than one).
 *
 *   npx tsx bench/hosts.ts [--n 24] [--session 5000] [--sessions 2] [--hosts 3] [--timeline] [--cpu-prof <dir>]
 * (--timeline: when each item's activities started, per round; --cpu-prof: each host's worker writes a CPU profile
 * of its main thread and of its workflow thread into <dir> when it stops)
 */
import { epicWorkflowId, TASK_QUEUE } from '../common/ids';
import type { EpicResult } from '../common/status';
import { startTestEnv } from '../test/helpers/temporal';
import { tempDir } from '../test/helpers/repo';
import { fakeAgent } from '../test/helpers/agent';
import { item, smallPlan } from '../test/helpers/epics';
import { startGitServer } from '../test/helpers/git-server';
import { spawnWorker, type WorkerChild } from '../test/helpers/worker-child';
import { flagOption, numberOption, requiredValue } from './args';
import { cpuMeter } from './cpu';
import { firstPayload } from '../test/helpers/history';
import { ms, type Event } from './history-steps';

const n = numberOption('n', 24);
const sessionMs = numberOption('session', 5000);
const perHost = numberOption('sessions', 2);
const maxHosts = numberOption('hosts', 3);
const profileDir = requiredValue('cpu-prof', 'dir');

/** An event's time in seconds (history-steps.ts reads it in milliseconds). */
const secs = (e: Event) => ms(e) / 1000;

/**
 * When each item's activities started, then each host's sessions: the session itself from its result (activity end
 * less the session's own duration, so the wait for a slot inside the activity is left out) and the gaps a slot
 * stood idle between one session's end and the next's start on that host.
 */
async function printTimeline(epicId: string, t0: number): Promise<void> {
  const at = (sec: number) => (sec - (t0 + performance.timeOrigin) / 1000).toFixed(1);
  const byHost = new Map<string, [number, number][]>();
  for (let j = 1; j <= n; j++) {
    const events = (await env.client.workflow.getHandle(`epic/${epicId}/item/w${j}`).fetchHistory()).events!;
    const sched = new Map<number, string>();
    const marks: string[] = [];
    let host = '?';
    for (const e of events) {
      if (e.activityTaskScheduledEventAttributes) sched.set(Number(e.eventId), e.activityTaskScheduledEventAttributes.activityType!.name!);
      if (e.activityTaskStartedEventAttributes) marks.push(`${sched.get(Number(e.activityTaskStartedEventAttributes.scheduledEventId))}@${at(secs(e))}`);
      const done = e.activityTaskCompletedEventAttributes;
      const name = done && sched.get(Number(done.scheduledEventId));
      if (name === 'claimHost' || name === 'claimFreeHost') host = firstPayload<{ host: string }>(done!.result)!.host;
      if (name === 'runAgent') byHost.set(host, [...(byHost.get(host) ?? []), [secs(e) - firstPayload<{ durationMs: number }>(done!.result)!.durationMs / 1000, secs(e)]]);
    }
    console.log(`w${j} on ${host}: ${marks.join(' ')} end@${at(secs(events.at(-1)!))}`);
  }
  for (const [host, sessions] of [...byHost].sort()) {
    sessions.sort((a, b) => a[0] - b[0]);
    const ends: number[] = []; // the slots' free times, perSlot of them
    const gaps: number[] = [];
    for (const [start, end] of sessions) {
      ends.sort((a, b) => a - b);
      if (ends.length >= perHost) gaps.push(start - ends.shift()!);
      ends.push(end);
    }
    const med = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? 0;
    console.log(`${host}: ${sessions.length} sessions, first from ${at(sessions[0][0])}, last to ${at(Math.max(...sessions.map((x) => x[1])))}; a slot idle between sessions: median ${(med * 1000).toFixed(0)} ms, ${gaps.map((g) => (g * 1000).toFixed(0)).join(' ')}`);
  }
}

const env = await startTestEnv();
const names = Array.from({ length: maxHosts }, (_, k) => `round${k + 1}`);
const server = await startGitServer(names);
const agent = fakeAgent({ defaults: { implement: { delayMs: sessionMs } } });
const hosts: WorkerChild[] = [];
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const makespans: number[] = [];
try {
  for (let k = 1; k <= maxHosts; k++) {
    // One more host for this round (the earlier ones keep serving).
    const host = spawnWorker(env.address, { OVERSEER_HOST: `bench-h${k}`, OVERSEER_WORKDIR: tempDir(`fleet-bench-h${k}`), OVERSEER_MAX_SESSIONS: String(perHost), OVERSEER_CLAUDE_CONFIG_DIR: `${agent.configDir}-h${k}` }, [], profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []);
    hosts.push(host);
    await host.ready;
    const plan = smallPlan(`hosts-${k}`, '', Array.from({ length: n }, (_, j) => item(`w${j + 1}`)), agent.command, { maxParallel: n, review: { enabled: false, maxRounds: 1 } });
    plan.repo = { path: '', url: server.url(names[k - 1]), targetBranch: 'main' };
    const t0 = performance.now();
    const cpu = cpuMeter();
    const result: EpicResult = await env.client.workflow.execute('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });
    const makespan = performance.now() - t0;
    const cpuUse = cpu();
    const merged = result.items.filter((i) => i.state === 'merged').length;
    if (merged !== n) throw new Error(`${k} host(s): ${merged}/${n} merged`);
    makespans.push(makespan);
    if (flagOption('timeline')) await printTimeline(`hosts-${k}`, t0);
    const ideal = Math.ceil(n / (k * perHost)) * sessionMs;
    console.log(`${k} host(s) x ${perHost} sessions: ${s(makespan)} (sessions alone, perfectly packed: ${s(ideal)}); ${cpuUse}`);
  }
  console.log(`hosts: ${n} items, ${s(sessionMs)} sessions, --max-sessions ${perHost}; makespans ${makespans.map(s).join(' / ')}; speedups ${makespans.map((m) => `${(makespans[0] / m).toFixed(2)}x`).join(' / ')} (goal: ${maxHosts} hosts at least 2.6x one)`);
} finally {
  for (const h of hosts) h.proc.kill('SIGTERM');
  await Promise.all(hosts.map((h) => h.exited));
  server.stop();
  await env.teardown();
}
