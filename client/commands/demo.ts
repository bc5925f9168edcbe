/**
 * `overseer demo`: the embedded default end to end — dev server + worker, a throwaway repository, the six-item
 * auth epic run by the simulated agent, then the merge history and the Web UI link.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit } from 'simple-git';
import type { Command } from 'commander';
import { startDev } from '../../workers/dev';
import { loadNativePlan } from '../importers/native';
import { startEpic } from './run';
import { watchEpic } from '../watch';
import { formatStatus } from '../format';
import { webUiLink } from '../connection';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SIMULATED_AGENT = path.join(ROOT, 'test', 'fixtures', 'fake-claude.mjs');

function demoPlanFile(): string {
  const shared = path.resolve(ROOT, '..', 'shared', 'fixtures', 'plans', 'auth-epic.yaml');
  return existsSync(shared) ? shared : path.join(ROOT, 'examples', 'auth-epic.yaml');
}

function git(cwd: string, ...args: string[]): Promise<string> {
  return simpleGit({ baseDir: cwd }).raw(['-c', 'user.name=Overseer demo', '-c', 'user.email=demo@localhost', ...args]).then((out) => out.trim());
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the sample auth epic on a throwaway repository with the simulated agent')
    .option('--dir <path>', 'where to put the throwaway repository and the server state', path.join('.demo', new Date().toISOString().replace(/[:.]/g, '-')))
    .option('--port <port>', 'gRPC port of the dev server', '7233')
    .option('--ui-port <port>', 'Web UI port', '8233')
    .option('--delay <ms>', 'how long each simulated session works', '400')
    .option('--stay', 'keep the dev server and its Web UI up until Ctrl-C (the default on an interactive terminal)')
    .option('--no-stay', 'stop when the epic ends')
    .action(async (opts) => {
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
      plan.settings.agent.command = [process.execPath, SIMULATED_AGENT, '--fake-scenario', scenario];
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
    });
}
