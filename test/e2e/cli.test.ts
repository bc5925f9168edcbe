/**
 * The command line as a user runs it: `overseer dev` (dev server + worker, Ctrl-C stops both), `overseer run
 * --watch` (exit 0 only when every item merged), `overseer status`, a run started with the plain `temporal` CLI
 * from `overseer plan --json`, and a bad plan that starts nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import YAML from 'yaml';
import { Client, Connection } from '@temporalio/client';
import { findTemporalCli } from '../../workers/temporal-cli';
import { makeRepo, merges, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { freePort } from '../helpers/dev-server';
import { processesMatching } from '../helpers/worker-child';

const CLI = fileURLToPath(new URL('../../bin/overseer.js', import.meta.url));
let dev: ChildProcess;
let devOut = '';
let address = '';
let uiPort = 0;
let db = '';

function overseer(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, TEMPORAL_ADDRESS: address }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

function writePlan(dir: string, epicId: string, command: string[], items: { id: string; dependsOn?: string[] }[]): string {
  const file = path.join(dir, `${epicId}.yaml`);
  writeFileSync(
    file,
    YAML.stringify({
      epicId,
      title: `CLI epic ${epicId}`,
      settings: { maxParallel: 2, agent: { command, retryInterval: '200ms' } },
      items: items.map((i) => ({ id: i.id, title: `Item ${i.id}`, description: `Do ${i.id}`, dependsOn: i.dependsOn ?? [] })),
    }),
  );
  return file;
}

before(async () => {
  process.env.OVERSEER_HOME = tempDir('overseer-home'); // where `overseer dev` remembers its UI port
  const port = await freePort();
  uiPort = await freePort();
  db = path.join(tempDir('devdb'), 'dev.db');
  address = `127.0.0.1:${port}`;
  dev = spawn(process.execPath, [CLI, 'dev', '--port', String(port), '--ui-port', String(uiPort), '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
  dev.stdout!.on('data', (d: Buffer) => (devOut += d.toString()));
  dev.stderr!.on('data', (d: Buffer) => (devOut += d.toString()));
  for (let i = 0; i < 300 && !devOut.includes('Ctrl-C to stop'); i++) await sleep(100);
  assert.match(devOut, /Web UI: http:\/\/localhost:\d+/, devOut);
});
after(() => {
  if (dev.exitCode === null) dev.kill('SIGKILL');
});

describe('the overseer command line', () => {
  it('overseer dev serves the Web UI and prints what other shells need', async () => {
    const res = await fetch(`http://127.0.0.1:${uiPort}/`);
    assert.equal(res.status, 200);
    assert.match(devOut, new RegExp(`^  export TEMPORAL_ADDRESS=${address.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(devOut, new RegExp(`^  export OVERSEER_UI_URL=http://localhost:${uiPort}$`, 'm'));
    assert.match(devOut, /^(warning: )?agent command: /m, 'the worker says whether its agent command is there');
  });

  it('overseer --version and a fast --help', async () => {
    const version = await overseer(['--version']);
    assert.equal(version.out.trim(), JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
    const help = await overseer(['--help']);
    for (const c of ['list', 'status|show', 'logs', 'diff', 'inbox', 'doctor']) assert.match(help.out, new RegExp(`^  ${c.replace('|', '\\|')} `, 'm'));
  });

  it('overseer worker checks its agent command at start and says so', async () => {
    const p = spawn(process.execPath, [CLI, 'worker', '--queues', 'agents', '--agent-command', 'no-such-agent-cli'], { env: { ...process.env, TEMPORAL_ADDRESS: address }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 200 && !out.includes('Ctrl-C to stop'); i++) await sleep(100);
    p.kill('SIGINT');
    await new Promise((r) => p.on('exit', r));
    assert.match(out, /^warning: agent command: the agent command `no-such-agent-cli` is not on this host \(PATH\)\. Fix: install Claude Code/m, out);
  });

  it('overseer run --watch follows the epic to the end and exits 0; overseer status shows every item', async () => {
    const repo = makeRepo('cli');
    const agent = fakeAgent({});
    const plan = writePlan(tempDir('plans'), 'cli-ok', agent.command, [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }]);
    const run = await overseer(['run', plan, '--repo', repo, '--watch']);
    assert.equal(run.code, 0, run.out + run.err);
    assert.match(run.out, /started epic\/cli-ok/);
    // The link names the UI port `overseer dev` was started with, not the default 8233.
    assert.match(run.out, new RegExp(`Web UI: http://localhost:${uiPort}/namespaces/default/workflows/epic%2Fcli-ok`));
    assert.match(run.out, /b\s+merged/);
    assert.equal(merges(repo).length, 2);
    const status = await overseer(['status', 'cli-ok', '--json']);
    assert.equal(status.code, 0, status.err);
    const parsed = JSON.parse(status.out) as { phase: string; items: { itemId: string; state: string }[] };
    assert.equal(parsed.phase, 'completed');
    assert.deepEqual(parsed.items.map((i) => i.state), ['merged', 'merged']);
    // Starting it again when it is done says so and starts nothing (cli-human.test.ts checks no new run starts).
    const again = await overseer(['run', plan, '--repo', repo, '--watch']);
    assert.equal(again.code, 0, again.out + again.err);
    assert.match(again.out, /every item of epic cli-ok is already merged into main/);
    assert.equal(merges(repo).length, 2);
  });

  it('overseer run --watch exits non-zero when an item fails', async () => {
    const repo = makeRepo('cli-fail');
    const agent = fakeAgent({ items: { bad: { implement: { failAlways: 'auth' } } } });
    const plan = writePlan(tempDir('plans'), 'cli-fail', agent.command, [{ id: 'bad' }, { id: 'good' }]);
    const run = await overseer(['run', plan, '--repo', repo, '--watch']);
    assert.equal(run.code, 1, run.out + run.err);
    assert.match(run.out, /bad\s+failed/);
    assert.match(run.out, /good\s+merged/);
  });

  it('runs a plan started with the plain temporal CLI from overseer plan --json', async () => {
    const repo = makeRepo('cli-temporal');
    const agent = fakeAgent({});
    const dir = tempDir('plans');
    const plan = writePlan(dir, 'cli-temporal', agent.command, [{ id: 'x' }]);
    const normalized = await overseer(['plan', plan, '--repo', repo, '--json']);
    assert.equal(normalized.code, 0, normalized.err);
    const planJson = path.join(dir, 'plan.json');
    writeFileSync(planJson, normalized.out);
    const cli = findTemporalCli();
    assert.equal(cli.kind, 'path');
    const start = await new Promise<number>((resolve) => {
      const p = spawn(cli.kind === 'path' ? cli.path : 'temporal', ['workflow', 'start', '--type', 'epicWorkflow', '--task-queue', 'overseer', '--workflow-id', 'epic/cli-temporal', '--input-file', planJson, '--address', address], { stdio: 'ignore' });
      p.on('exit', (c) => resolve(c ?? 1));
    });
    assert.equal(start, 0);
    const connection = await Connection.connect({ address });
    try {
      const result = (await new Client({ connection }).workflow.getHandle('epic/cli-temporal').result()) as { phase: string };
      assert.equal(result.phase, 'completed');
      assert.equal(merges(repo).length, 1);
    } finally {
      await connection.close();
    }
  });

  it('a bad plan is rejected with exit code 2 and starts nothing', async () => {
    const dir = tempDir('plans');
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'epicId: cli-bad\ntitle: Bad\nitems:\n  - id: a\n    title: A\n    dependsOn: [a]\n');
    const run = await overseer(['run', file, '--repo', makeRepo('cli-bad')]);
    assert.equal(run.code, 2);
    assert.match(run.err, /bad\.yaml: invalid plan/);
    assert.match(run.err, /item "a": dependsOn names the item itself/);
    const connection = await Connection.connect({ address });
    try {
      const d = await new Client({ connection }).workflow.getHandle('epic/cli-bad').describe().catch(() => undefined);
      assert.equal(d, undefined, 'no workflow was started');
    } finally {
      await connection.close();
    }
  });

  it('Ctrl-C stops the worker and the dev server cleanly', async () => {
    dev.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => (dev.exitCode !== null ? resolve(dev.exitCode) : dev.on('exit', (c) => resolve(c))));
    assert.equal(code, 0, devOut);
    assert.match(devOut, /stopping the dev server/);
    let left = processesMatching(db);
    for (let i = 0; i < 50 && left.length; i++) {
      await sleep(100);
      left = processesMatching(db);
    }
    assert.deepEqual(left, [], 'the dev server process is gone');
  });
});
