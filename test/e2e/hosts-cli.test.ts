/**
 * Worker hosts on the command line (issue 12): `overseer dev --no-worker` starts only the server, `overseer worker
 * --host --workdir --max-sessions` hosts poll their own queue, `overseer hosts` lists them from Temporal's pollers,
 * and a workdir a host cannot write stops that worker at start with a message naming it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '../helpers/repo';
import { freePort } from '../helpers/dev-server';

const CLI = fileURLToPath(new URL('../../bin/overseer.js', import.meta.url));
const children: ChildProcess[] = [];
let address = '';

function start(args: string[]): { proc: ChildProcess; out: () => string } {
  const proc = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, TEMPORAL_ADDRESS: address }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { proc, out: () => out };
}

async function until(what: () => boolean, label: string, out: () => string, ms = 60_000): Promise<void> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await sleep(100)) if (what()) return;
  assert.fail(`${label}; output:\n${out()}`);
}

function run(args: string[]): Promise<{ code: number; out: string }> {
  const { proc, out } = start(args);
  return new Promise((resolve) => proc.on('exit', (code) => resolve({ code: code ?? 1, out: out() })));
}

before(async () => {
  process.env.OVERSEER_HOME = tempDir('overseer-home');
  const port = await freePort();
  address = `127.0.0.1:${port}`;
  const db = path.join(tempDir('devdb'), 'dev.db');
  const dev = start(['dev', '--no-worker', '--port', String(port), '--ui-port', String(await freePort()), '--dashboard-port', String(await freePort()), '--db', db]);
  await until(() => dev.out().includes('Ctrl-C to stop'), 'overseer dev --no-worker did not start', dev.out);
  assert.match(dev.out(), /No worker here \(--no-worker\)/);
  assert.doesNotMatch(dev.out(), /Overseer worker polling/);
});

after(async () => {
  for (const c of children.reverse()) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await sleep(500);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('worker hosts on the command line', () => {
  it('a server without workers has no hosts', async () => {
    const res = await run(['hosts']);
    assert.equal(res.code, 0, res.out);
    assert.match(res.out, /no worker host polls this server/);
  });

  it('overseer worker --host --workdir --max-sessions: listed by overseer hosts with its own queue', async () => {
    const w1 = start(['worker', '--host', 'h1', '--workdir', path.join(tempDir('h1'), 'work'), '--max-sessions', '2', '--queues', 'agents', '--agent-command', 'true']);
    const w2 = start(['worker', '--host', 'h2', '--workdir', path.join(tempDir('h2'), 'work'), '--max-sessions', '3', '--queues', 'agents', '--agent-command', 'true']);
    for (const w of [w1, w2]) await until(() => /connected to/.test(w.out()), 'the worker did not start', w.out);
    assert.match(w1.out(), /Overseer worker host h1 \(workdir .*\/work, queue overseer-host\/h1\)/);
    let rows: { host: string; maxSessions: number; ownQueue: boolean }[] = [];
    for (let i = 0; i < 100 && rows.filter((r) => r.ownQueue).length < 2; i++) {
      const res = await run(['hosts', '--json']);
      assert.equal(res.code, 0, res.out);
      rows = JSON.parse(res.out);
      await sleep(200);
    }
    assert.deepEqual(rows.map((r) => [r.host, r.maxSessions, r.ownQueue]), [['h1', 2, true], ['h2', 3, true]]);
    const table = await run(['hosts']);
    assert.match(table.out, /^h1\s+2\s+1\s+overseer-host\/h1\s/m);
  });

  it('a workdir the host cannot write: the worker says so at start and stops', async () => {
    const file = path.join(tempDir('not-a-dir'), 'file');
    writeFileSync(file, 'x');
    const res = await run(['worker', '--host', 'h3', '--workdir', path.join(file, 'work'), '--queues', 'agents']);
    assert.notEqual(res.code, 0);
    assert.match(res.out, new RegExp(`workdir ${path.join(file, 'work').replace(/\./g, '\\.')}: this host cannot write there \\(ENOTDIR\\); give another one with --workdir`));
    assert.match((await run(['worker', '--host', 'bad host!', '--queues', 'agents'])).out, /--host "bad host!": a host name is letters, digits/);
  });
});
