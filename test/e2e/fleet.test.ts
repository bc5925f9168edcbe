/**
 * A fleet for real (issue 12): the Temporal dev server and a git server (`git daemon --enable=receive-pack`) on a
 * bridge, three worker hosts each in its own Linux network namespace with its own workdir, an epic of nine items
 * with a diamond on the remote. One host's worker and its agent processes are SIGKILLed in the middle of a review
 * session; its items move to the other hosts. Every item is merged exactly once on the remote's target, in
 * dependency order; no item branch is left on the remote; a commit a human pushed to the target meanwhile is still
 * there; the implementing session whose commit had been pushed before the kill is not run again.
 * Where `ip netns` cannot be used, the test fails with that reason.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { itemStatusQuery } from '../../common/api';
import { itemWorkflowId } from '../../common/ids';
import type { EpicResult, ItemStatus } from '../../common/status';
import { startTestEnv } from '../helpers/temporal';
import { sh, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, overseer, smallPlan, startEpic, waitFor } from '../helpers/epics';
import { startGitServer, type GitServer } from '../helpers/git-server';
import { makeHostNet, type HostNet } from '../helpers/netns';
import { spawnWorker, type WorkerChild } from '../helpers/worker-child';

let net: HostNet | undefined;
let env: TestWorkflowEnvironment | undefined;
let server: GitServer | undefined;
const workers = new Map<string, WorkerChild>();

before(async () => {
  net = makeHostNet('fleet', 3); // throws (the test fails) where network namespaces cannot be made
  // The dev server's own services talk over loopback, so it listens on every address of this machine's (closed)
  // network; the hosts reach it at the bridge's address.
  env = await startTestEnv([], '0.0.0.0');
  server = await startGitServer(['project'], net.gateway);
});
after(async () => {
  for (const w of workers.values()) w.proc.kill('SIGKILL');
  await Promise.all([...workers.values()].map((w) => w.exited));
  server?.stop();
  await env?.teardown();
  net?.remove();
});

/** The item ids of Overseer's merges on the remote's target, oldest first (first-parent line). */
function mergedOnRemote(bare: string): string[] {
  return sh(bare, 'log', '--first-parent', '--reverse', '--format=%s', 'main')
    .split('\n')
    .map((s) => /^Merge ([^:]+):/.exec(s)?.[1])
    .filter((id): id is string => Boolean(id));
}

const counter = (stateDir: string, itemId: string, kind: string) => {
  const f = path.join(stateDir, `${itemId}.${kind}.count`);
  return existsSync(f) ? Number(readFileSync(f, 'utf8')) : 0;
};

describe('three worker hosts on a git remote, one killed mid-session', () => {
  it('merges every item exactly once, in dependency order, losing nothing that was pushed', async () => {
    const started = Date.now();
    const agent = fakeAgent({ defaults: { '*': { delayMs: 500 } }, items: { d: { review: { delayMs: 6000 } } } });
    const url = server!.url('project');
    const bare = server!.dir('project');
    net!.namespaces.forEach((ns, i) => {
      const host = `host${i + 1}`;
      const w = spawnWorker(`${net!.gateway}:${env!.address.split(':').pop()}`, {
        OVERSEER_HOST: host,
        OVERSEER_WORKDIR: tempDir(`fleet-${host}`),
        OVERSEER_MAX_SESSIONS: '2',
        OVERSEER_CLAUDE_CONFIG_DIR: `${agent.configDir}-${host}`, // each host its own conversations
      }, net!.launcher(ns));
      workers.set(host, w);
    });
    await Promise.all([...workers.values()].map((w) => w.ready));

    // a → (b, c) → d → i, a diamond; e..h on their own.
    const items = [item('a'), item('b', ['a']), item('c', ['a']), item('d', ['b', 'c']), item('e'), item('f'), item('g'), item('h'), item('i', ['d'])];
    const plan = smallPlan('fleet', '', items, agent.command, { heartbeatTimeout: '3s', agent: { heartbeatTimeout: '3s', retryInterval: '200ms' } });
    plan.repo = { path: '', url, targetBranch: 'main' };
    const handle = await startEpic(env!, plan);
    const done = handle.result() as Promise<EpicResult>;
    const status = (id: string) => env!.client.workflow.getHandle(itemWorkflowId('fleet', id)).query(itemStatusQuery) as Promise<ItemStatus>;

    // Someone else pushes to the target while the epic runs (once the first merge is there).
    await waitFor('the first merge on the remote', () => mergedOnRemote(bare).length > 0, 60_000);
    const human = tempDir('fleet-human');
    sh(human, 'clone', '-q', bare, '.');
    writeFileSync(path.join(human, 'HUMAN.md'), 'a human was here\n');
    sh(human, 'add', '.');
    sh(human, '-c', 'user.name=Human', '-c', 'user.email=h@example.com', 'commit', '-q', '-m', 'a human commit');
    // Like a human: when the push is refused (the queue published meanwhile), pull and push again.
    for (let attempt = 1; ; attempt++) {
      try {
        sh(human, 'push', '-q', 'origin', 'HEAD:main');
        break;
      } catch (err) {
        if (attempt >= 10) throw err;
        sh(human, '-c', 'user.name=Human', '-c', 'user.email=h@example.com', 'pull', '-q', '--rebase', 'origin', 'main');
      }
    }
    const humanCommit = sh(human, 'rev-parse', 'HEAD');

    // d's review is long: kill its host (worker and agents, every process in the namespace) in the middle of it.
    const d = await waitFor('d in review', async () => {
      const s = await status('d').catch(() => undefined);
      return s?.state === 'in_review' && s.host ? s : undefined;
    }, 90_000);
    const victim = d.host!;
    const pushedBeforeKill = sh(bare, 'rev-parse', 'refs/heads/overseer/fleet/d');
    await new Promise((r) => setTimeout(r, 1000)); // the review session is under way
    const killedAt = Date.now();
    const ns = net!.namespaces[Number(victim.replace('host', '')) - 1];
    const pids = net!.pids(ns);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const exit = await workers.get(victim)!.exited;
    assert.equal(exit.signal, 'SIGKILL');
    workers.delete(victim);

    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([done, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error('the epic did not finish in 150 s')), 150_000)))]).finally(() => clearTimeout(timer));
    assert.equal(result.phase, 'completed', JSON.stringify(result.items));

    // Every item merged exactly once, in dependency order, on the remote's target.
    const order = mergedOnRemote(bare);
    assert.deepEqual([...order].sort(), items.map((i) => i.id).sort(), `each item once: ${order.join(' ')}`);
    for (const it of items) for (const dep of it.dependsOn) assert.ok(order.indexOf(dep) < order.indexOf(it.id), `${dep} merged before ${it.id}: ${order.join(' ')}`);
    // The human's commit is still on the target; no item branch is left on the remote.
    sh(bare, 'merge-base', '--is-ancestor', humanCommit, 'main');
    assert.equal(sh(bare, 'for-each-ref', '--format=%(refname)', 'refs/heads/overseer/'), '');
    // What reached the remote before the kill is in what merged: d's pushed commit, and its implementing session
    // did not run again (only the interrupted review did).
    sh(bare, 'merge-base', '--is-ancestor', pushedBeforeKill, 'main');
    const stateDir = `${agent.scenarioFile}.state`;
    assert.equal(counter(stateDir, 'd', 'implement'), 1, 'd was implemented once: its pushed commit survived its host');
    assert.ok(counter(stateDir, 'd', 'review') >= 2, 'd was reviewed again on another host');

    const finals = await Promise.all(items.map((it) => status(it.id)));
    const moved = finals.filter((s) => s.lostHosts?.includes(victim));
    assert.ok(moved.some((s) => s.itemId === 'd'), 'd moved to another host');
    for (const s of moved) assert.notEqual(s.host, victim);
    // `overseer status` shows each item's host: the moved item on the host it finished on.
    const cli = await overseer(env!, 'status', 'fleet');
    assert.equal(cli.code, 0, cli.stderr);
    for (const s of finals) assert.match(cli.stdout, new RegExp(`^  ${s.itemId} +merged .* on ${s.host} `, 'm'), cli.stdout);
    const dView = await overseer(env!, 'status', 'fleet', 'd');
    assert.match(dView.stdout, new RegExp(`lost hosts: +${victim} \\(`), dView.stdout);
    const redone = moved.map((s) => `${s.itemId} (now on ${s.host}; sessions run: implement ${counter(stateDir, s.itemId, 'implement')}, review ${counter(stateDir, s.itemId, 'review')})`);
    console.log(
      `fleet: host ${victim} killed ${((killedAt - started) / 1000).toFixed(1)} s into the run (its worker and ${pids.length - 1} agent process(es)); ` +
        `${moved.length} item(s) moved: ${redone.join('; ')}; redone work: only the ${pids.length - 1} session(s) interrupted by the kill (d's review, killed 1 s in), every pushed commit kept; ` +
        `epic done ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill, ${((Date.now() - started) / 1000).toFixed(1)} s in all; merge order ${order.join(' ')}`,
    );
  });
});
