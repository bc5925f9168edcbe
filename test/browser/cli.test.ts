/**
 * `overseer dashboard` and `overseer dev` serve the dashboard and print its address; a dashboard beyond loopback
 * without a token refuses to start. The commands run as child processes, as a user runs them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { useTemporal } from '../helpers/temporal';
import { freePort } from '../helpers/dev-server';
import { overseer } from '../helpers/epics';
import { tempDir } from '../helpers/repo';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e));

const OVERSEER_BIN = fileURLToPath(new URL('../../bin/overseer.js', import.meta.url));

/** Runs `overseer <args>` until a stdout line matches, then stops it; resolves with the match and the exit code. */
function runUntil(args: string[], pattern: RegExp, probe: (m: RegExpMatchArray) => Promise<void>, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ output: string; code: number | null }> {
  const { OVERSEER_DASHBOARD_TOKEN: _drop, ...base } = process.env;
  const child = spawn(process.execPath, [OVERSEER_BIN, ...args], { env: { ...base, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    let probed = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = output.match(pattern);
      if (!m || probed) return;
      probed = true;
      probe(m).then(() => child.kill('SIGINT'), (err) => {
        child.kill('SIGKILL');
        reject(err);
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!probed) reject(new Error(`exited (${code}) before printing ${pattern}:\n${output}`));
      else resolve({ output, code });
    });
  });
}

describe('the dashboard commands', () => {
  it('`overseer dashboard --host 0.0.0.0` without OVERSEER_DASHBOARD_TOKEN refuses to start', async () => {
    delete process.env.OVERSEER_DASHBOARD_TOKEN;
    const r = await overseer(env, 'dashboard', '--host', '0.0.0.0', '--port', String(await freePort()));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /only with a token: set OVERSEER_DASHBOARD_TOKEN/);
  });

  it('`overseer dashboard --port` serves the page and the API for the server in TEMPORAL_ADDRESS', async () => {
    const port = await freePort();
    const r = await runUntil(['dashboard', '--port', String(port)], /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/, async (m) => {
      assert.equal(m[1], `http://127.0.0.1:${port}/`);
      const page = await fetch(m[1]);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>Overseer<\/title>/);
      const epics = await fetch(`${m[1]}api/epics`);
      assert.equal(epics.status, 200, await epics.clone().text());
      assert.ok(Array.isArray(await epics.json()));
    }, { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace ?? 'default' });
    assert.equal(r.code, 0, r.output);
  });

  it('`overseer dev` serves the dashboard too and prints its address', async () => {
    const [port, uiPort, dashPort] = [await freePort(), await freePort(), await freePort()];
    const db = path.join(tempDir('dev-dash'), 'dev.db');
    const args = ['dev', '--port', String(port), '--ui-port', String(uiPort), '--dashboard-port', String(dashPort), '--db', db];
    const r = await runUntil(args, /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)[\s\S]*Ctrl-C to stop/, async (m) => {
      assert.equal(m[1], `http://127.0.0.1:${dashPort}/`);
      const config = await fetch(`${m[1]}api/config`);
      assert.deepEqual(await config.json(), { tokenRequired: false, namespace: 'default', uiBase: `http://localhost:${uiPort}` });
      assert.equal((await fetch(`${m[1]}api/epics`)).status, 200);
    });
    assert.match(r.output, new RegExp(`Dashboard: http://127\\.0\\.0\\.1:${dashPort}/`));
  });
});
