/**
 * The bundled CLI (scripts/bundle-cli.mjs, what the package runs for every command but dev/worker/demo) says what
 * the sources say: `overseer status` on a finished epic (table, --json, one item), a missing epic, --version.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTestEnv, startWorkers, type RunningWorkers } from '../helpers/temporal';
import { makeRepo } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { overseer, smallPlan, startEpic, type CliResult } from '../helpers/epics';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Inside the checkout, so the bundle finds package.json above it as the installed package does.
const DIST = path.join(ROOT, 'test-artifacts', `cli-bundle-${process.pid}`);
let env: TestWorkflowEnvironment;
let workers: RunningWorkers;

function bundled(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [path.join(DIST, 'run.mjs'), ...args], { env: { ...process.env, TEMPORAL_ADDRESS: env.address }, timeout: 60_000 }, (_err, stdout, stderr) =>
      resolve({ code: child.exitCode ?? 1, stdout, stderr }),
    );
  });
}

before(async () => {
  mkdirSync(DIST, { recursive: true });
  const { bundleCli } = (await import(new URL('../../scripts/bundle-cli.mjs', import.meta.url).href)) as { bundleCli: (o: { root: string; dist: string }) => Promise<string> };
  await bundleCli({ root: ROOT, dist: DIST });
  writeFileSync(path.join(DIST, 'run.mjs'), "const { main } = await import('./cli/cli.js');\nawait main();\n");
  env = await startTestEnv();
  workers = await startWorkers(env);
  const plan = smallPlan('bundled-cli', makeRepo('bundled-cli'), [{ id: 'a' }], fakeAgent({}).command, { review: { enabled: false } } as never);
  await (await startEpic(env, plan)).result();
});
after(async () => {
  await workers?.stop();
  await env?.teardown();
  rmSync(DIST, { recursive: true, force: true });
});

describe('the bundled CLI', () => {
  for (const args of [['status', 'bundled-cli'], ['status', 'bundled-cli', '--json'], ['status', 'bundled-cli', 'a'], ['--version']]) {
    it(`overseer ${args.join(' ')} prints what the sources print`, async () => {
      const [fromBundle, fromSources] = await Promise.all([bundled(...args), overseer(env, ...args)]);
      assert.equal(fromBundle.code, 0, fromBundle.stderr);
      assert.equal(fromBundle.stdout, fromSources.stdout);
      if (args[0] === 'status' && args.length === 2) assert.match(fromBundle.stdout, /^ {2}a +merged /m);
    });
  }

  it('a missing epic: the same message and exit code', async () => {
    const [fromBundle, fromSources] = await Promise.all([bundled('status', 'nope'), overseer(env, 'status', 'nope')]);
    assert.equal(fromBundle.code, 1);
    assert.equal(fromBundle.code, fromSources.code);
    assert.match(fromBundle.stderr, /there is no epic nope/);
    assert.equal(fromBundle.stderr, fromSources.stderr);
  });
});
