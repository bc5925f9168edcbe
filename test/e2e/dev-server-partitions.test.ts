/**
 * The dev servers Overseer starts keep one partition per task queue (workers/dev-server-config.ts): a fresh one
 * forwards nothing between partitions, and a database an earlier Overseer made with four still hands out every
 * task that waits in any of them. (Server 1.32 hands them out even when told to read one partition; earlier
 * servers need the four read partitions the rule keeps, which the second test asserts as well.)
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { devServerArgs, onePartitionMarker, partitionArgs } from '../../workers/dev-server-config';
import { tempDir } from '../helpers/repo';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/dev-server';
import { metricSum } from '../helpers/prometheus';

const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop('SIGKILL');
});

async function serve(db: string, dynamicConfig?: string[]): Promise<{ server: ServerProcess; metricsPort: number }> {
  const metricsPort = await freePort();
  const server = await startServerProcess(await freePort(), db, ['--metrics-port', String(metricsPort)], dynamicConfig);
  servers.push(server);
  return { server, metricsPort };
}

/** Workflows whose first task waits on `queue`, which no worker polls. */
async function waitingWorkflows(address: string, queue: string, n: number): Promise<string[]> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const ids = Array.from({ length: n }, (_, k) => `${queue}-${k}`);
  for (const id of ids) await client.workflow.start('nobodyRunsThis', { workflowId: id, taskQueue: queue });
  await connection.close();
  return ids;
}

/** The workflows whose tasks `queue` hands out to plain polls (each poll waits at most `pollMs`). */
async function polledWorkflows(address: string, queue: string, polls: number, pollMs = 3000): Promise<Set<string>> {
  const connection = await Connection.connect({ address });
  const got = new Set<string>();
  try {
    for (let k = 0; k < polls; k++) {
      const task = await connection
        .withDeadline(Date.now() + pollMs, () =>
          connection.workflowService.pollWorkflowTaskQueue({ namespace: 'default', identity: 'partitions-test', taskQueue: { name: queue, kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL } }),
        )
        .catch(() => undefined); // the deadline: nothing more to hand out
      if (task?.workflowExecution?.workflowId) got.add(task.workflowExecution.workflowId);
    }
  } finally {
    await connection.close();
  }
  return got;
}

/** The dev server's `forwarded` counters (a task or a poll sent from one partition of a queue to another), summed. */
async function forwards(metricsPort: number): Promise<number> {
  return metricSum(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(), 'forwarded', { namespace: 'default' });
}

describe('dev server partitions', () => {
  it('a fresh database is marked, and its server forwards no task between partitions', async () => {
    const db = path.join(tempDir('partitions-fresh'), 'temporal.db');
    const { server, metricsPort } = await serve(db);
    assert.ok(existsSync(onePartitionMarker(db)), 'the new database is marked as made with one partition');
    const ids = await waitingWorkflows(server.address, 'partitions-fresh', 8);
    await sleep(2000); // a server with four partitions forwards the waiting tasks towards the root meanwhile
    assert.equal(await forwards(metricsPort), 0, 'nothing was forwarded between partitions');
    assert.deepEqual([...(await polledWorkflows(server.address, 'partitions-fresh', ids.length))].sort(), [...ids].sort());
  });

  it("an earlier Overseer's database (four partitions) still hands out every task waiting in it", async () => {
    const db = path.join(tempDir('partitions-earlier'), 'temporal.db');
    const earlier = await serve(db, partitionArgs(4, 4));
    const ids = await waitingWorkflows(earlier.server.address, 'partitions-earlier', 12);
    await earlier.server.stop();
    assert.ok(existsSync(db) && !existsSync(onePartitionMarker(db)), 'the earlier database is not marked');
    assert.deepEqual(devServerArgs(db), partitionArgs(4, 1), 'it keeps reading four partitions, and writes one');
    const { server } = await serve(db);
    assert.ok(!existsSync(onePartitionMarker(db)), 'and stays unmarked');
    const got = await polledWorkflows(server.address, 'partitions-earlier', ids.length + 2);
    assert.deepEqual([...got].sort(), [...ids].sort(), 'every waiting task was handed out');
  });

  it('a database in memory, or marked, gets one partition', () => {
    assert.deepEqual(devServerArgs(), partitionArgs(1, 1));
    const db = path.join(tempDir('partitions-marked'), 'temporal.db');
    assert.deepEqual(devServerArgs(db), partitionArgs(1, 1), 'a new database');
    writeFileSync(db, ''); // the server made it
    assert.deepEqual(devServerArgs(db), partitionArgs(1, 1), 'the database it marked');
    rmSync(onePartitionMarker(db));
    assert.deepEqual(devServerArgs(db), partitionArgs(4, 1), 'the same database unmarked');
  });
});
