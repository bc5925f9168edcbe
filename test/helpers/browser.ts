/**
 * Headless Chromium for the dashboard tests: Debian's `chromium` (installed by .ci/run) driven by playwright-core.
 * A missing browser fails the tests in CI (CI=true) with the reason; elsewhere they are skipped, saying why.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDashboard, type Dashboard } from '../../client/dashboard/server';
import { findOnPath } from '../../activities/which';

export const ARTIFACTS = path.resolve(fileURLToPath(new URL('../../test-artifacts', import.meta.url)));

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'];

/** The browser binary, or why there is none. */
export function findChromium(): { path?: string; why?: string } {
  if (process.env.CHROMIUM_PATH) return { path: process.env.CHROMIUM_PATH };
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const found = findOnPath(name);
    if (found) return { path: found };
  }
  return { why: 'chromium is not installed (apt-get install -y chromium; .ci/run does it), nor CHROMIUM_PATH set' };
}

/** `skip` for node:test when there is no browser outside CI; in CI the missing browser is an error. */
export function browserSkip(): string | false {
  const found = findChromium();
  if (found.path) return false;
  if (process.env.CI) throw new Error(`the browser tests cannot run: ${found.why}`);
  return found.why!;
}

export async function launchBrowser(): Promise<Browser> {
  const found = findChromium();
  if (!found.path) throw new Error(`the browser tests cannot run: ${found.why}`);
  return chromium.launch({ executablePath: found.path, args: ARGS, headless: true });
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** The dashboard on a free loopback port, against the test server. */
export function dashboardFor(env: TestWorkflowEnvironment, opts: { host?: string; token?: string } = {}): Promise<Dashboard> {
  return startDashboard({ client: env.client, namespace: env.namespace ?? 'default', port: 0, uiBase: 'http://localhost:8233', pollMs: 300, ...opts });
}
