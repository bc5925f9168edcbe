/**
 * The dashboard in a real headless Chromium (playwright-core), against a real dev server, real git and the
 * simulated agent: the front page, an epic's live graph, answering a question in the page, a refused answer,
 * decisions (a refused one, a retry of a failed item), the item panel with its gate log and transcript.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, Page } from 'playwright-core';
import type { EpicResult } from '../../common/status';
import { pauseSignal } from '../../common/api';
import type { Dashboard } from '../../client/dashboard/server';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, sh, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { smallPlan, startEpic } from '../helpers/epics';
import { artifact, browserSkip, dashboardFor, launchBrowser } from '../helpers/browser';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { workers: { runner: { env: { CLAUDE_CONFIG_DIR: tempDir('claude-config') } } } });

const NO_REVIEW = { review: { enabled: false, maxRounds: 1 } };
const nodeState = (page: Page, id: string) => page.locator(`.node[data-item-id="${id}"]`).getAttribute('data-state');
const waitState = (page: Page, id: string, state: string, timeout = 60_000) =>
  page.locator(`.node[data-item-id="${id}"][data-state="${state}"]`).waitFor({ timeout });

/** Every button, link, text box and item node in the page has an accessible name (keyboard and screen readers). */
async function assertEveryControlNamed(page: Page): Promise<void> {
  const unnamed = await page.evaluate(`[...document.querySelectorAll('button, a, input, textarea, select, [role=button]')]
    .filter((el) => !el.closest('[hidden]'))
    .filter((el) => {
      const labelled = el.getAttribute('aria-label') || (el.id && document.querySelector('label[for="' + el.id + '"]')) || (el.getAttribute('aria-labelledby') && document.getElementById(el.getAttribute('aria-labelledby')));
      return !labelled && !(el.textContent || '').trim();
    })
    .map((el) => el.outerHTML.slice(0, 120))`);
  assert.deepEqual(unnamed, [], 'controls without an accessible name');
}

describe('the dashboard in a browser', { skip: browserSkip() }, () => {
  let browser: Browser;
  let dashboard: Dashboard;
  before(async () => {
    dashboard = await dashboardFor(env);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await dashboard?.close();
  });

  it('front page → epic page: every item and its state; a question answered in the page resumes the agent and the epic finishes, live', async () => {
    const repo = makeRepo('web-q');
    const agent = fakeAgent({
      items: { b: { implement: { questions: [{ question: 'Hash passwords with bcrypt or argon2?', options: ['bcrypt', 'argon2'], context: 'the spec says nothing' }] } } },
    });
    const items = [{ id: 'a', title: 'Create the schema' }, { id: 'b', title: 'Hash passwords', dependsOn: ['a'] }, { id: 'c', title: 'Login endpoint', dependsOn: ['a'] }, { id: 'd', title: 'Docs', dependsOn: ['b', 'c'] }];
    const handle = await startEpic(env, smallPlan('web-q', repo, items, agent.command, NO_REVIEW));
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });

    await page.goto(dashboard.url);
    const row = page.locator('tr[data-epic-id="web-q"]');
    await row.waitFor();
    assert.match(await row.innerText(), /web-q/);
    assert.match(await row.innerText(), /\/4/, 'progress merged/total');
    await page.getByRole('link', { name: 'web-q', exact: true }).click();
    await page.waitForURL(/\/epic\/web-q$/);
    await page.locator('.node').nth(3).waitFor();
    assert.equal(await page.locator('.node').count(), 4);
    for (const it of items) {
      const state = await nodeState(page, it.id);
      assert.ok(state && state.length > 0, `${it.id} has a state`);
      assert.match(await page.locator(`.node[data-item-id="${it.id}"]`).textContent() ?? '', new RegExp(`${it.id}.*${it.title}`));
    }
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    await assertEveryControlNamed(page);

    const box = page.getByRole('textbox', { name: /Answer/ });
    await box.waitFor({ timeout: 60_000 });
    const question = page.locator('form.question');
    assert.match(await question.innerText(), /Hash passwords with bcrypt or argon2\?/);
    assert.match(await question.innerText(), /bcrypt/);
    assert.equal(await nodeState(page, 'b'), 'awaiting_answer');
    await waitState(page, 'a', 'merged');
    await page.screenshot({ path: artifact('epic-page.png'), fullPage: true });
    // Meanwhile the front page marks the epic as needing a human (OverseerAwaitingHuman, eventually consistent).
    const front = await browser.newPage({ viewport: { width: 1200, height: 400 } });
    await front.goto(dashboard.url);
    await front.locator('tr[data-epic-id="web-q"] .human').filter({ hasText: 'needs a human' }).waitFor({ timeout: 30_000 });
    await front.screenshot({ path: artifact('front-page.png') });
    await front.close();

    // Refused: an empty answer, with the server's message.
    await page.getByRole('button', { name: 'Answer', exact: true }).click();
    await page.locator('form.question [role=alert].error').filter({ hasText: /the answer is empty/ }).waitFor();

    await page.getByRole('button', { name: 'Use option argon2' }).click();
    assert.equal(await box.inputValue(), 'argon2');
    const answeredAt = Date.now();
    await page.getByRole('button', { name: 'Answer', exact: true }).click();
    await question.waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('.node[data-item-id="b"]:not([data-state="awaiting_answer"])').waitFor({ timeout: 30_000 });
    const movedMs = Date.now() - answeredAt;
    await waitState(page, 'd', 'merged', 90_000);
    await page.locator('#epic-phase[data-phase="completed"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 42, 'the page never reloaded');
    console.log(`# the item moved on ${movedMs} ms after the answer was clicked (pushed, no reload)`);

    const result: EpicResult = await handle.result();
    assert.equal(result.phase, 'completed');
    assert.match(sh(repo, 'show', 'main:overseer-sim/b.answers.md'), /argon2/, 'the agent resumed with the answer');

    // The item's panel, opened from the keyboard: history with the answer, and the transcript rendered on request.
    await page.locator('.node[data-item-id="b"]').focus();
    await page.keyboard.press('Enter');
    const panel = page.locator('aside.panel');
    await panel.getByText(/answered by dashboard/).waitFor();
    assert.match(await panel.innerText(), /merged/);
    assert.match(await panel.innerText(), /Merge commit/);
    await panel.getByRole('button', { name: /Show transcript implement-/ }).first().click();
    const transcript = panel.locator('.transcript').first();
    await transcript.waitFor();
    assert.match(await transcript.innerText(), /session started/);
    assert.match(await transcript.innerText(), /tool call: /);
    assert.match(await transcript.innerText(), /ASSISTANT|assistant/);
    await assertEveryControlNamed(page);
    await page.screenshot({ path: artifact('epic-page-panel.png'), fullPage: true });
    await page.close();
  });

  it('a failed item is retried from the page; decisions that do not apply are refused with the reason', async () => {
    const repo = makeRepo('web-retry');
    const marker = path.join(tempDir('marker'), 'ok');
    const gate = `test -f ${marker} || { echo "lint: 3 problems (marker missing)" >&2; exit 1; }`;
    const plan = smallPlan('web-retry', repo, [{ id: 'flaky' }, { id: 'after', dependsOn: ['flaky'] }], fakeAgent({}).command, { ...NO_REVIEW, gates: [gate], maxAttempts: 1 });
    const handle = await startEpic(env, plan);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${dashboard.url}epic/web-retry`);
    await waitState(page, 'flaky', 'failed');
    await waitState(page, 'after', 'blocked');

    await page.locator('.node[data-item-id="flaky"]').click();
    const panel = page.locator('aside.panel');
    await panel.getByRole('button', { name: /Show gate log gates-1\.log/ }).click();
    await panel.locator('pre.log').filter({ hasText: /lint: 3 problems \(marker missing\)/ }).waitFor();

    const decide = async (name: string) => {
      await page.getByRole('button', { name, exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    };
    await decide('Approve flaky');
    await page.locator('#outcome').filter({ hasText: /Refused: cannot approve flaky: it is failed/ }).waitFor();
    await decide('Resume epic web-retry');
    await page.locator('#outcome').filter({ hasText: /Refused: cannot resume epic web-retry: it is not paused/ }).waitFor();

    // A change made elsewhere (a signal from another client) is pushed to the page within 2 s, without a reload.
    const signalled = Date.now();
    await handle.signal(pauseSignal);
    await page.locator('#epic-phase[data-phase="paused"]').waitFor({ timeout: 10_000 });
    const pushedMs = Date.now() - signalled;
    console.log(`# a pause sent by another client showed in the page after ${pushedMs} ms`);
    assert.ok(pushedMs < 2000, `pushed within 2 s (took ${pushedMs} ms)`);
    await decide('Pause epic web-retry');
    await page.locator('#outcome').filter({ hasText: 'Refused: epic web-retry is already paused' }).waitFor();
    await decide('Resume epic web-retry');
    await page.locator('#outcome').filter({ hasText: 'epic web-retry: resume sent' }).waitFor();
    await page.locator('#epic-phase[data-phase="awaiting_human"]').waitFor({ timeout: 10_000 });

    writeFileSync(marker, 'ok');
    await decide('Retry flaky');
    await page.locator('#outcome').filter({ hasText: /flaky: retry sent/ }).waitFor();
    await waitState(page, 'flaky', 'merged');
    await waitState(page, 'after', 'merged');
    await page.locator('#epic-phase[data-phase="completed"]').waitFor({ timeout: 30_000 });
    const result: EpicResult = await handle.result();
    assert.deepEqual(result.items.map((i) => i.state), ['merged', 'merged']);

    await decide('Retry flaky');
    await page.locator('#outcome').filter({ hasText: /Refused: cannot retry flaky: it is merged, and only failed or cancelled items can be retried/ }).waitFor();
    await page.close();
  });
});
