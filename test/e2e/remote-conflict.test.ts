/**
 * A merge conflict on a git remote (issue 12: "conflict resolution works as it does locally"): two items rewrite the
 * same lines of a file on the remote; the first lands, the second's branch conflicts with it on the remote's target,
 * its resolution session resolves it on its host, and both are merged once on the remote, with no item branch left.
 * One worker host (its own workdir, its own cache clone); the remote is served by `git daemon`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { itemStatusQuery } from '../../common/api';
import { itemWorkflowId } from '../../common/ids';
import type { EpicResult, ItemStatus } from '../../common/status';
import { startTestEnv } from '../helpers/temporal';
import { sh, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, smallPlan, startEpic } from '../helpers/epics';
import { startGitServer, type GitServer } from '../helpers/git-server';
import { spawnWorker, type WorkerChild } from '../helpers/worker-child';

let env: TestWorkflowEnvironment | undefined;
let server: GitServer | undefined;
let worker: WorkerChild | undefined;

before(async () => {
  [env, server] = await Promise.all([startTestEnv(), startGitServer(['conflict'])]);
});
after(async () => {
  worker?.proc.kill('SIGTERM');
  await worker?.exited;
  server?.stop();
  await env?.teardown();
});

/** Adds `config.txt` to the remote's main, the file both items rewrite. */
function seedRemote(bare: string): void {
  const work = tempDir('remote-conflict-seed');
  sh(work, 'clone', '-q', bare, '.');
  writeFileSync(path.join(work, 'config.txt'), 'name = sample\nvalue = 0\n');
  sh(work, 'add', 'config.txt');
  sh(work, '-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'add config');
  sh(work, 'push', '-q', 'origin', 'HEAD:main');
}

describe('a merge conflict on a git remote', () => {
  it('the second item conflicts on the remote target, resolves on its host, and both merge once', async () => {
    const bare = server!.dir('conflict');
    seedRemote(bare);
    const resolved = 'name = sample\nvalue = A and B\n';
    const agent = fakeAgent({
      items: {
        a: { implement: { files: { 'config.txt': 'name = sample\nvalue = A\n' } } },
        b: { implement: { files: { 'config.txt': 'name = sample\nvalue = B\n' }, delayMs: 2500 }, 'resolve-conflict': { resolve: { 'config.txt': resolved } } },
      },
    });
    worker = spawnWorker(env!.address, { OVERSEER_HOST: 'solo', OVERSEER_WORKDIR: tempDir('remote-conflict-host'), OVERSEER_MAX_SESSIONS: '2', OVERSEER_CLAUDE_CONFIG_DIR: agent.configDir });
    await worker.ready;
    const plan = smallPlan('rconf', '', [item('a'), item('b')], agent.command, { maxParallel: 2, review: { enabled: false, maxRounds: 1 } });
    plan.repo = { path: '', url: server!.url('conflict'), targetBranch: 'main' };
    const result = (await (await startEpic(env!, plan)).result()) as EpicResult;

    assert.equal(result.phase, 'completed', JSON.stringify(result.items));
    const subjects = sh(bare, 'log', '--first-parent', '--reverse', '--format=%s', 'main').split('\n').filter((s) => s.startsWith('Merge '));
    assert.deepEqual(subjects, ['Merge a: Item a', 'Merge b: Item b']);
    assert.equal(sh(bare, 'show', 'main:config.txt') + '\n', resolved, "the remote's target has the resolution");
    assert.equal(sh(bare, 'for-each-ref', '--format=%(refname)', 'refs/heads/overseer/'), '', 'no item branch left on the remote');
    const b = (await env!.client.workflow.getHandle(itemWorkflowId('rconf', 'b')).query(itemStatusQuery)) as ItemStatus;
    assert.ok(b.history!.some((h) => h.includes('conflict in config.txt; resolving')), `b resolved a conflict: ${b.history!.join(' | ')}`);
  });
});
