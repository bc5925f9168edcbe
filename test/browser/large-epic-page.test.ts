/**
 * A 300-item epic on the dashboard: the graph (ELK layout on the server, SVG in the page) shows every item, at a
 * readable size, and the time to render it is measured. The epic is paused at once so the machine stays quiet.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser } from 'playwright-core';
import type { Dashboard } from '../../client/dashboard/server';
import { pauseSignal } from '../../common/api';
import type { WorkItem } from '../../common/plan';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { item, smallPlan, startEpic } from '../helpers/epics';
import { artifact, browserSkip, dashboardFor, launchBrowser } from '../helpers/browser';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { workers: { runner: { env: { CLAUDE_CONFIG_DIR: tempDir('claude-config') } } } });

describe('a 300-item epic in the browser', { skip: browserSkip() }, () => {
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

  it('renders every item, readable at 100%, and reports the time it took', async () => {
    const n = 300;
    const items: WorkItem[] = [];
    for (let i = 0; i < n; i++) items.push(item(`i${i}`, i % 10 === 0 ? [] : [`i${i - 1}`], { title: `Large epic item number ${i}` }));
    const plan = smallPlan('web-300', makeRepo('web-300'), items, fakeAgent({}).command, { maxParallel: 1, review: { enabled: false, maxRounds: 1 } });
    const handle = await startEpic(env, plan);
    await handle.signal(pauseSignal);

    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const started = Date.now();
    await page.goto(`${dashboard.url}epic/web-300`);
    await page.locator('.node').nth(n - 1).waitFor({ timeout: 60_000 });
    await page.waitForFunction(`document.getElementById('app')?.getAttribute('data-graph-items') === '${n}' && document.querySelectorAll('.node[data-state]').length === ${n}`);
    const renderMs = Date.now() - started;
    const graphMs = Number(await page.locator('#app').getAttribute('data-graph-ms'));
    const layoutMs = Number(await page.locator('#app').getAttribute('data-layout-ms'));
    assert.equal(await page.locator('.node').count(), n);
    assert.equal(await page.locator('.edges polyline').count(), 270);

    // Readable: at 100% each node keeps its full size (220 × 46 px, 12 px text).
    const box = await page.locator('.node[data-item-id="i150"] rect').boundingBox();
    assert.ok(box && box.width >= 200 && box.height >= 40, `node size ${JSON.stringify(box)}`);
    const fontPx = await page.locator('.node[data-item-id="i150"] .node-title').evaluate((el) => parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el).fontSize));
    assert.ok(fontPx >= 12, `font ${fontPx}px`);
    console.log(`# 300-item epic: page load to all ${n} items drawn ${renderMs} ms (graph request + SVG ${graphMs} ms, of which ELK layout ${layoutMs} ms)`);
    await page.screenshot({ path: artifact('epic-300.png') });
    await page.getByRole('button', { name: 'Fit the graph to the window' }).click();
    await page.screenshot({ path: artifact('epic-300-fit.png') });

    // Decisions on the big epic from the page: pause is refused (already paused), skip asks for a reason, cancel ends it.
    const decide = async (name: string, reason?: string) => {
      await page.getByRole('button', { name, exact: true }).click();
      const dialog = page.getByRole('dialog');
      if (reason !== undefined) await dialog.getByRole('textbox', { name: 'Reason for skipping' }).fill(reason);
      await dialog.getByRole('button', { name: 'Confirm' }).click();
    };
    await decide('Pause epic web-300');
    await page.locator('#outcome').filter({ hasText: 'Refused: epic web-300 is already paused' }).waitFor();
    await page.locator('.node[data-item-id="i0"]').click();
    await decide('Skip i0', 'done by hand');
    await page.locator('.node[data-item-id="i0"][data-state="skipped"]').waitFor();
    await page.locator('aside.panel').getByText('done by hand').waitFor();
    await decide('Cancel epic web-300');
    await page.locator('#epic-phase[data-phase="cancelled"]').waitFor({ timeout: 30_000 });
    await handle.result().catch(() => undefined);
    await page.close();
  });
});
