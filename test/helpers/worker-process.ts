/**
 * A worker in its own process, for the fault tests: it can be SIGKILLed (by a crash point or by the test) and
 * replaced, like a real worker host. Connection from TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE.
 */
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createWorkers, runWorkers } from '../../workers/worker';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const address = process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
const connection = await NativeConnection.connect({ address });
const client = new Client({ connection, namespace });
const workers = await createWorkers({
  connection,
  client,
  namespace,
  maxSessions: 4,
  runner: { killGraceMs: 1000, heartbeatEveryMs: 500, env: process.env.OVERSEER_CLAUDE_CONFIG_DIR ? { CLAUDE_CONFIG_DIR: process.env.OVERSEER_CLAUDE_CONFIG_DIR } : undefined },
  shutdownGraceTime: process.env.OVERSEER_SHUTDOWN_GRACE ?? '1s',
  stickyQueueScheduleToStartTimeout: '1s',
});
console.log(`worker ready pid=${process.pid}`);
await runWorkers(workers);
await connection.close();
console.log('worker stopped');
