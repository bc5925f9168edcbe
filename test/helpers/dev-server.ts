/**
 * A Temporal dev server run as a plain child process (`temporal server start-dev`), so a test can stop it and
 * start it again on the same port and SQLite file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { findTemporalCli, INSTALL_HINT } from '../../workers/temporal-cli';
import { devServerArgs } from '../../workers/dev-server-config';
import { SEARCH_ATTRIBUTE_FLAGS } from '../../common/search-attributes';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface ServerProcess {
  proc: ChildProcess;
  address: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `dynamicConfig`: Overseer's own (workers/dev-server-config.ts) unless a test stands in for another server's. */
export async function startServerProcess(port: number, db: string, extraArgs: string[] = [], dynamicConfig: string[] = devServerArgs(db)): Promise<ServerProcess> {
  const cli = findTemporalCli();
  if (cli.kind !== 'path') throw new Error(INSTALL_HINT);
  const args = ['server', 'start-dev', '--port', String(port), '--db-filename', db, '--headless', '--log-level', 'error', '--ip', '127.0.0.1'];
  for (const sa of SEARCH_ATTRIBUTE_FLAGS) args.push('--search-attribute', sa);
  const proc = spawn(cli.path, [...args, ...dynamicConfig, ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const address = `127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const c = await Connection.connect({ address, connectTimeout: 1000 });
      await c.workflowService.getSystemInfo({});
      await c.close();
      break;
    } catch {
      if (i > 150 || proc.exitCode !== null) throw new Error(`dev server did not start on ${address}: ${err}`);
      await sleep(100);
    }
  }
  return {
    proc,
    address,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null) proc.kill(signal);
      await exited;
    },
  };
}
