/**
 * Who may use the dashboard: loopback by default (other Host headers refused), a token required anywhere else and
 * asked once by the page, a same-origin JSON check on everything that changes state, secrets masked in transcripts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser } from 'playwright-core';
import type { Dashboard } from '../../client/dashboard/server';
import { redact } from '../../client/dashboard/transcript';
import { useTemporal } from '../helpers/temporal';
import { browserSkip, dashboardFor, launchBrowser } from '../helpers/browser';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e));

function request(port: number, pathName: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathName, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const TOKEN = 'correct-horse-battery-staple-0123456789';

describe('dashboard security', () => {
  let open: Dashboard;
  let guarded: Dashboard;
  before(async () => {
    open = await dashboardFor(env);
    guarded = await dashboardFor(env, { host: '0.0.0.0', token: TOKEN });
  });
  after(async () => {
    await open?.close();
    await guarded?.close();
  });

  it('refuses to listen beyond loopback without OVERSEER_DASHBOARD_TOKEN', async () => {
    await assert.rejects(dashboardFor(env, { host: '0.0.0.0' }), /listens on 0\.0\.0\.0 only with a token: set OVERSEER_DASHBOARD_TOKEN/);
    assert.match(open.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('on loopback, answers only requests addressed to loopback (no DNS rebinding)', async () => {
    const host = `127.0.0.1:${open.port}`;
    assert.equal((await request(open.port, '/api/epics', { headers: { host } })).status, 200);
    assert.equal((await request(open.port, '/api/epics', { headers: { host: `localhost:${open.port}` } })).status, 200);
    const rebound = await request(open.port, '/api/epics', { headers: { host: `attacker.example:${open.port}` } });
    assert.equal(rebound.status, 421);
  });

  it('state-changing requests must be same-origin JSON', async () => {
    const host = `127.0.0.1:${open.port}`;
    const post = (headers: Record<string, string>) => request(open.port, '/api/epics/none/actions', { method: 'POST', headers: { host, ...headers }, body: '{"action":"pause"}' });
    const foreign = await post({ origin: 'http://attacker.example', 'content-type': 'application/json' });
    assert.equal(foreign.status, 403);
    assert.match(foreign.body, /cross-origin request refused/);
    assert.equal((await post({ 'content-type': 'application/json' })).status, 403, 'no Origin');
    assert.match((await post({ origin: `http://${host}`, 'content-type': 'text/plain' })).body, /must send application\/json/);
    const same = await post({ origin: `http://${host}`, 'content-type': 'application/json' });
    assert.equal(same.status, 409, `same-origin JSON gets through to the epic check: ${same.body}`);
    assert.match(same.body, /there is no epic none/);
  });

  it('beyond loopback, every API request needs the token', async () => {
    const host = `127.0.0.1:${guarded.port}`;
    const config = await request(guarded.port, '/api/config', { headers: { host } });
    assert.equal(config.status, 200);
    assert.equal(JSON.parse(config.body).tokenRequired, true);
    assert.equal((await request(guarded.port, '/api/epics', { headers: { host } })).status, 401);
    assert.equal((await request(guarded.port, '/api/epics', { headers: { host, 'x-overseer-token': 'wrong' } })).status, 401);
    assert.equal((await request(guarded.port, '/api/epics', { headers: { host, 'x-overseer-token': TOKEN } })).status, 200);
    assert.equal((await request(guarded.port, '/api/events?topic=epics', { headers: { host } })).status, 401);
    const cross = await request(guarded.port, '/api/answer', { method: 'POST', headers: { host, 'x-overseer-token': TOKEN, origin: 'http://attacker.example', 'content-type': 'application/json' }, body: '{}' });
    assert.equal(cross.status, 403);
    assert.doesNotMatch(config.body + (await request(guarded.port, '/app.js', { headers: { host } })).body, new RegExp(TOKEN), 'the token is never served');
  });

  it('masks credentials in transcripts and logs', () => {
    const text = 'export ANTHROPIC_API_KEY=sk-ant-api03-abcdefghijklmnop\nAuthorization: Bearer abcdefghijklmnopqrstuvwxyz\nGITHUB_TOKEN="ghp_0123456789abcdefghij0123"\nplain words stay';
    const out = redact(text);
    assert.doesNotMatch(out, /sk-ant-api03|abcdefghijklmnopqrstuvwxyz|ghp_0123/);
    assert.match(out, /ANTHROPIC_API_KEY=\[redacted\]/);
    assert.match(out, /plain words stay/);
  });
});

describe('the token, asked once by the page', { skip: browserSkip() }, () => {
  let browser: Browser;
  let guarded: Dashboard;
  before(async () => {
    guarded = await dashboardFor(env, { host: '0.0.0.0', token: TOKEN });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await guarded?.close();
  });

  it('asks for the token, refuses a wrong one, remembers the right one', async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${guarded.port}/`);
    await page.getByLabel('Token', { exact: true }).fill('not-the-token');
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByRole('alert').filter({ hasText: 'The token was not accepted.' }).waitFor();
    await page.getByLabel('Token', { exact: true }).fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByRole('heading', { name: 'Epics' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Epics' }).waitFor();
    assert.equal(await page.getByLabel('Token', { exact: true }).count(), 0, 'asked once');
    await page.close();
  });
});
