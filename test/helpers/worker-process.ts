/**
 * A worker in its own process, for the fault tests: it can be SIGKILLed (by a crash point or by the test) and
 * replaced, like a real worker host. Connection from TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE; with OVERSEER_HOST
 * (and OVERSEER_WORKDIR, OVERSEER_MAX_SESSIONS) it is a worker host (`overseer worker --host`, issue 12).
 */
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createWorkers, runWorkers } from '../../workers/worker';
import { checkWorkdir } from '../../activities/hosts';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const address = process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
const connection = await NativeConnection.connect({ address });
const client = new Client({ connection, namespace });
const hostName = process.env.OVERSEER_HOST;
const workers = await createWorkers({
  connection,
  client,
  namespace,
  maxSessions: Number(process.env.OVERSEER_MAX_SESSIONS ?? 4),
  ...(hostName && { host: { name: hostName, workdir: checkWorkdir(process.env.OVERSEER_WORKDIR ?? `${process.cwd()}/work`) } }),
  runner: { killGraceMs: 1000, heartbeatEveryMs: 500, env: process.env.OVERSEER_CLAUDE_CONFIG_DIR ? { CLAUDE_CONFIG_DIR: process.env.OVERSEER_CLAUDE_CONFIG_DIR } : undefined },
  shutdownGraceTime: process.env.OVERSEER_SHUTDOWN_GRACE ?? '1s',
  stickyQueueScheduleToStartTimeout: '1s',
});
console.log(`worker ready pid=${process.pid}`);
await runWorkers(workers);
await connection.close();
console.log('worker stopped');
