/**
 * `overseer demo`: the embedded default end to end — dev server + worker, a throwaway repository, the six-item
 * auth epic run by the simulated agent, then the merge history and the Web UI link.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { startDev } from '../../workers/dev';
import { loadNativePlan } from '../importers/native';
import { startEpic } from './run';
import { packageRoot, codeRoot } from '../package-info';
import { watchEpic } from '../watch';
import { formatStatus } from '../format';
import { webUiLink } from '../connection';

/** The simulated agent: next to the compiled code in a package (dist/test/fixtures), in test/fixtures in the repository. */
function simulatedAgent(): string {
  const compiled = path.join(codeRoot(), 'test', 'fixtures', 'fake-claude.mjs');
  return existsSync(compiled) ? compiled : path.join(packageRoot(), 'test', 'fixtures', 'fake-claude.mjs');
}

function demoPlanFile(): string {
  const shared = path.resolve(packageRoot(), '..', 'shared', 'fixtures', 'plans', 'auth-epic.yaml');
  return existsSync(shared) ? shared : path.join(packageRoot(), 'examples', 'auth-epic.yaml');
}

function git(cwd: string, ...args: string[]): Promise<string> {
  return simpleGit({ baseDir: cwd }).raw(['-c', 'user.name=Overseer demo', '-c', 'user.email=demo@localhost', ...args]).then((out) => out.trim());
}

export interface DemoOptions {
  dir: string;
  port: string;
  uiPort: string;
  delay: string;
  stay?: boolean;
}

export async function demoCommand(opts: DemoOptions): Promise<void> {
  const started = Date.now();
  const dir = path.resolve(opts.dir);
  const repo = path.join(dir, 'repo');
  mkdirSync(repo, { recursive: true });
  await git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(repo, 'README.md'), '# demo app\n\nA throwaway repository for the Overseer demo.\n');
  await git(repo, 'add', '.');
  await git(repo, 'commit', '-q', '-m', 'initial commit');

  const scenario = path.join(dir, 'simulated-agent.json');
  writeFileSync(scenario, JSON.stringify({ defaults: { '*': { delayMs: Number(opts.delay) } } }, null, 2));
  const plan = await loadNativePlan(demoPlanFile(), { repo });
  plan.settings.agent.command = [process.execPath, simulatedAgent(), '--fake-scenario', scenario];
  plan.settings.agent.retryInterval = '1s';

  console.log(`Overseer demo in ${dir}`);
  console.log('NOTE: the agent is SIMULATED (test/fixtures/fake-claude.mjs speaks Claude Code\'s stream-json protocol and edits files); no model is called.');
  const dev = await startDev({
    port: Number(opts.port),
    uiPort: Number(opts.uiPort),
    db: path.join(dir, 'temporal.db'),
    runner: { env: { CLAUDE_CONFIG_DIR: path.join(dir, 'claude-config') } },
  });
  let exitCode = 1;
  try {
    console.log(`Temporal dev server on ${dev.address}, Web UI ${dev.uiUrl}`);
    const workflowId = await startEpic(dev.env.client, plan);
    console.log(`started ${workflowId}: ${plan.items.length} items, up to ${plan.settings.maxParallel} at once`);
    const outcome = await watchEpic(dev.env.client, plan.epicId, (l) => console.log(l), 500);
    exitCode = outcome.exitCode;
    console.log('');
    console.log(formatStatus(outcome.status));
    console.log('');
    console.log(`Merge history of main in ${repo}:`);
    console.log(await git(repo, 'log', '--graph', '--format=%h %s', 'main'));
    console.log('');
    console.log(`Web UI: ${webUiLink(workflowId, 'default', dev.uiUrl)}`);
    console.log(`The agent was simulated. Demo took ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    const stay = opts.stay ?? (process.stdout.isTTY && !process.env.CI);
    if (stay) {
      console.log('The dev server stays up so you can browse the history; Ctrl-C to stop.');
      await dev.done;
    }
  } finally {
    await dev.stop();
  }
  process.exitCode = exitCode;
}
