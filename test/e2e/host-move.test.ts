/**
 * No host stands idle while an item waits on another (issue 12): a host whose one session slot is busy claims a
 * second item ahead of its session (it prepares meanwhile); when another host with a free slot comes up, that item
 * moves there instead of waiting for the busy host's session to end. Real server, git daemon, worker processes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { itemStatusQuery } from '../../common/api';
import { epicWorkflowId, itemWorkflowId, TASK_QUEUE } from '../../common/ids';
import type { EpicResult } from '../../common/status';
import { startTestEnv } from '../helpers/temporal';
import { sh, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, smallPlan, waitForStatus } from '../helpers/epics';
import { startGitServer, type GitServer } from '../helpers/git-server';
import { spawnWorker, type WorkerChild } from '../helpers/worker-child';
import { remoteWorktreePath } from '../../activities/remote-worktrees';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

let env: TestWorkflowEnvironment;
let server: GitServer;
const hosts: WorkerChild[] = [];

before(async () => {
  env = await startTestEnv();
  server = await startGitServer(['move']);
});
after(async () => {
  for (const h of hosts) h.proc.kill('SIGTERM');
  await Promise.all(hosts.map((h) => h.exited));
  server?.stop();
  await env?.teardown();
});

describe('an item claimed ahead of its session on a busy host', () => {
  it('moves to a host with a free session slot, and leaves nothing on the busy one', async () => {
    // Every session holds until the test releases it, once the waiting item has moved: host A's session cannot end
    // (and free A's slot) before host B is up, however slowly B starts.
    const release = path.join(tempDir('move-release'), 'go');
    const agent = fakeAgent({ defaults: { implement: { bash: [`until [ -e '${release}' ]; do sleep 0.1; done`] } } });
    const workdirA = tempDir('move-host-a');
    const host = (name: string, workdir: string) => spawnWorker(env.address, { OVERSEER_HOST: name, OVERSEER_WORKDIR: workdir, OVERSEER_MAX_SESSIONS: '1', OVERSEER_CLAUDE_CONFIG_DIR: `${agent.configDir}-${name}` });
    hosts.push(host('move-a', workdirA));
    await hosts[0].ready;
    const plan = smallPlan('host-move', '', [item('one'), item('two')], agent.command, { maxParallel: 2, review: { enabled: false, maxRounds: 1 } });
    plan.repo = { path: '', url: server.url('move'), targetBranch: 'main' };
    const run = env.client.workflow.execute('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });

    // Host A alone: one item in its only session, the other claimed and prepared there, waiting for that slot.
    const held = await waitForStatus(env, plan.epicId, (s) => s.items.some((i) => i.detail === 'waiting for a session slot on move-a'));
    const waiting = held.items.find((i) => i.detail === 'waiting for a session slot on move-a')!;
    hosts.push(host('move-b', tempDir('move-host-b')));
    await hosts[1].ready;
    await waitForStatus(env, plan.epicId, (s) => s.items.find((i) => i.itemId === waiting.itemId)?.host === 'move-b');
    writeFileSync(release, '');

    const result: EpicResult = await run;
    assert.deepEqual(result.items.map((i) => i.state), ['merged', 'merged']);
    const done = await waitForStatus(env, plan.epicId, () => true);
    const moved = await env.client.workflow.getHandle(itemWorkflowId(plan.epicId, waiting.itemId)).query(itemStatusQuery);
    assert.equal(moved.host, 'move-b', `the waiting item ran on the host that came up free (history: ${moved.history?.join(' | ')})`);
    assert.ok(moved.history?.some((l) => l.includes('moved from host move-a')), 'its history says why it moved');
    assert.equal(done.items.find((i) => i.itemId !== waiting.itemId)!.host, 'move-a');
    assert.ok(!existsSync(remoteWorktreePath(workdirA, plan.repo.url!, plan.epicId, waiting.itemId)), 'its worktree on the busy host was removed');
    // Both merged once on the remote's target, and no item branch is left there.
    const merged = sh(server.dir('move'), 'log', '--first-parent', '--format=%s', 'main').split('\n').map((l) => /^Merge ([^:]+):/.exec(l)?.[1]).filter(Boolean);
    assert.deepEqual(merged.sort(), ['one', 'two']);
    assert.equal(sh(server.dir('move'), 'for-each-ref', '--format=%(refname)', 'refs/heads/overseer/'), '');
  });
});
