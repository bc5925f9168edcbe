/** The dev server stopped and started again with the same SQLite file in the middle of an epic: it finishes. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { epicStatusQuery } from '../../common/api';
import { epicWorkflowId, TASK_QUEUE } from '../../common/ids';
import type { EpicResult } from '../../common/status';
import { makeRepo, merges, sh, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, smallPlan } from '../helpers/epics';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/dev-server';
import { processesMatching, spawnWorker, type WorkerChild } from '../helpers/worker-child';

let server: ServerProcess | undefined;
let worker: WorkerChild | undefined;
after(async () => {
  worker?.proc.kill('SIGKILL');
  await server?.stop('SIGKILL');
});

describe('server restart', () => {
  it('finishes an epic across a stop and restart of the dev server on the same --db file', async () => {
    const port = await freePort();
    const db = path.join(tempDir('db'), 'temporal.db');
    server = await startServerProcess(port, db);
    const repo = makeRepo('restart');
    const agent = fakeAgent({ defaults: { '*': { delayMs: 600 } } });
    worker = spawnWorker(server.address, { OVERSEER_CLAUDE_CONFIG_DIR: agent.configDir });
    await worker.ready;
    const plan = smallPlan('restart', repo, [item('a'), item('b', ['a']), item('c', ['b']), item('d')], agent.command, {
      maxParallel: 2,
      heartbeatTimeout: '5s',
      agent: { heartbeatTimeout: '10s', retryInterval: '500ms' },
    });
    let connection = await Connection.connect({ address: server.address });
    let client = new Client({ connection });
    await client.workflow.start('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });

    // Wait until the first merge landed, then stop the server mid-epic.
    for (let i = 0; i < 300 && merges(repo).length < 1; i++) await sleep(100);
    assert.ok(merges(repo).length >= 1 && merges(repo).length < 4, 'stopped in the middle of the epic');
    await connection.close();
    await server.stop('SIGTERM');
    await sleep(3000); // the worker keeps running sessions while the server is away
    server = await startServerProcess(port, db);

    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    const handle = client.workflow.getHandle(epicWorkflowId(plan.epicId));
    const result = (await handle.result()) as EpicResult;
    assert.equal(result.phase, 'completed', JSON.stringify(await handle.query(epicStatusQuery).catch(() => result)));
    assert.deepEqual(result.items.map((i) => i.state), ['merged', 'merged', 'merged', 'merged']);
    const subjects = merges(repo).map((m) => m.subject);
    for (const id of ['a', 'b', 'c', 'd']) assert.equal(subjects.filter((s) => s.startsWith(`Merge ${id}:`)).length, 1, subjects.join(' | '));
    assert.equal(sh(repo, 'branch', '--list', 'overseer/*'), '');
    assert.deepEqual(processesMatching(agent.scenarioFile), []);
    await connection.close();
  });
});
