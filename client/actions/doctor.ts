/**
 * `overseer doctor`: what this machine needs to run epics — the agent command and its version against the pinned
 * one, authentication (variable names only), git ≥ 2.38, the Temporal server with Overseer's search attributes and
 * its workers, writable workdirs, the dev server's ports. Each problem comes with its fix; the exit code is 1 when
 * there is one.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AGENT_TASK_QUEUE, TASK_QUEUE } from '../../common/ids';
import { SEARCH_ATTRIBUTE_FLAGS } from '../../common/search-attributes';
import { findTemporalCli, INSTALL_HINT } from '../../workers/temporal-cli';
import { checkAgentCommand, formatAgentCheck } from '../agent-check';
import { connect, connectConfig, type Connected } from '../connection';
import { overseerHome } from '../dev-state';
import { agentPollers, livePollers } from '../workers-check';

export interface Finding {
  check: string;
  ok: boolean;
  /** Not a problem, but worth a word (exit code stays 0). */
  warning?: boolean;
  detail: string;
  fix?: string;
}

const AUTH_VARIABLES = ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'ANTHROPIC_BASE_URL', 'CLAUDE_CONFIG_DIR', 'OVERSEER_CLAUDE_CONFIG_DIR'];

async function agentFinding(command: string): Promise<Finding> {
  const c = await checkAgentCommand(command);
  if (!c.problem) return { check: 'agent', ok: true, detail: formatAgentCheck(c).replace(/^agent command: /, '') };
  const mismatch = Boolean(c.version); // found and runs, but not the pinned version
  return { check: 'agent', ok: mismatch, warning: mismatch, detail: c.problem, fix: c.fix };
}

export function authFinding(env: NodeJS.ProcessEnv = process.env): Finding {
  const set = AUTH_VARIABLES.filter((v) => env[v]?.trim());
  const configDir = env.CLAUDE_CONFIG_DIR ?? env.OVERSEER_CLAUDE_CONFIG_DIR ?? path.join(os.homedir(), '.claude');
  const login = existsSync(path.join(configDir, '.credentials.json'));
  if (set.length || login) return { check: 'auth', ok: true, detail: [set.length ? `set: ${set.join(', ')}` : '', login ? `login in ${configDir}` : ''].filter(Boolean).join('; ') };
  return { check: 'auth', ok: true, warning: true, detail: `none of ${AUTH_VARIABLES.slice(0, 3).join(', ')}... is set and there is no login in ${configDir}`, fix: 'run `claude` once and log in, or export ANTHROPIC_API_KEY (the simulated agent of `overseer demo` needs none)' };
}

export function gitFinding(): Finding {
  let out: string;
  try {
    out = execFileSync('git', ['--version'], { encoding: 'utf8', timeout: 5000 }).trim();
  } catch {
    return { check: 'git', ok: false, detail: 'git is not on PATH', fix: 'install git 2.38 or newer' };
  }
  const [major, minor] = (/(\d+)\.(\d+)/.exec(out) ?? []).slice(1).map(Number);
  const ok = major > 2 || (major === 2 && minor >= 38);
  return ok ? { check: 'git', ok, detail: out } : { check: 'git', ok, detail: `${out} is older than 2.38 (merge-tree --write-tree)`, fix: 'upgrade git to 2.38 or newer' };
}

export function workdirFindings(cwd = process.cwd()): Finding[] {
  const dirs = [overseerHome(), os.tmpdir(), ...(existsSync(path.join(cwd, '.git')) ? [cwd] : [])];
  return dirs.map((dir) => {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
      return { check: 'workdir', ok: true, detail: `${dir} is writable` };
    } catch (err) {
      return { check: 'workdir', ok: false, detail: `${dir} is not writable (${(err as NodeJS.ErrnoException).code})`, fix: `make it writable, or set OVERSEER_HOME to a folder that is` };
    }
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function portFinding(what: string, port: number, ours: boolean, flag: string): Promise<Finding> {
  if (ours) return { check: 'ports', ok: true, detail: `${what} port ${port}: the Temporal dev server answers there` };
  if (await portFree(port)) return { check: 'ports', ok: true, detail: `${what} port ${port} is free for \`overseer dev\`` };
  return { check: 'ports', ok: false, detail: `${what} port ${port} is taken by another program`, fix: `start the dev server on another port: \`overseer dev ${flag} <port>\`` };
}

async function temporalFindings(): Promise<{ findings: Finding[]; connected?: Connected }> {
  const cfg = connectConfig();
  let c: Connected;
  try {
    c = await connect();
  } catch {
    return { findings: [{ check: 'temporal', ok: false, detail: `no Temporal server is reachable at ${cfg.address}`, fix: 'start one with `overseer dev` (then `export TEMPORAL_ADDRESS=...` as it prints), or point TEMPORAL_ADDRESS at yours' }] };
  }
  const findings: Finding[] = [{ check: 'temporal', ok: true, detail: `server at ${c.address}, namespace ${c.namespace}` }];
  try {
    const res = await c.connection.operatorService.listSearchAttributes({ namespace: c.namespace });
    const have = Object.keys(res.customAttributes ?? {});
    const missing = SEARCH_ATTRIBUTE_FLAGS.filter((f) => !have.includes(f.split('=')[0]));
    findings.push(
      missing.length
        ? { check: 'search attributes', ok: false, detail: `missing: ${missing.map((m) => m.split('=')[0]).join(', ')}`, fix: missing.map((m) => `temporal operator search-attribute create --namespace ${c.namespace} --name ${m.split('=')[0]} --type ${m.split('=')[1]}`).join(' && ') }
        : { check: 'search attributes', ok: true, detail: SEARCH_ATTRIBUTE_FLAGS.map((f) => f.split('=')[0]).join(', ') },
    );
  } catch (err) {
    findings.push({ check: 'search attributes', ok: true, warning: true, detail: `could not list them (${(err as Error).message.split('\n')[0]})` });
  }
  try {
    const [core, agents] = await Promise.all([livePollers(c.client, TASK_QUEUE, 'workflow'), agentPollers(c.client)]);
    const none = [!core.length && TASK_QUEUE, !agents.length && AGENT_TASK_QUEUE].filter(Boolean);
    findings.push(none.length ? { check: 'workers', ok: true, warning: true, detail: `no live worker polls ${none.join(' and ')}: epics wait until one does`, fix: '`overseer worker` (or `overseer dev`)' } : { check: 'workers', ok: true, detail: `${TASK_QUEUE}: ${core.join(', ')}; ${AGENT_TASK_QUEUE}: ${agents.join(', ')}` });
  } catch {
    /* describeTaskQueue unavailable */
  }
  return { findings, connected: c };
}

function temporalCliFinding(): Finding {
  try {
    const cli = findTemporalCli();
    if (cli.kind === 'path') return { check: 'temporal cli', ok: true, detail: `${cli.path} (from ${cli.from})` };
    return { check: 'temporal cli', ok: true, warning: true, detail: 'not found: `overseer dev` would download one (needs internet)', fix: INSTALL_HINT };
  } catch (err) {
    return { check: 'temporal cli', ok: false, detail: (err as Error).message, fix: INSTALL_HINT };
  }
}

export async function runDoctor(opts: { agentCommand: string; port: string; uiPort: string }): Promise<Finding[]> {
  const { findings: temporal, connected } = await temporalFindings();
  await connected?.connection.close();
  const local = /^(localhost|127\.0\.0\.1):(\d+)$/.exec(connectConfig().address);
  const ours = Boolean(connected && local && local[2] === opts.port);
  const uiUp = await fetch(`http://127.0.0.1:${opts.uiPort}/`).then((r) => r.ok, () => false);
  return [
    await agentFinding(opts.agentCommand),
    authFinding(),
    gitFinding(),
    temporalCliFinding(),
    ...temporal,
    ...workdirFindings(),
    await portFinding('gRPC', Number(opts.port), ours, '--port'),
    await portFinding('Web UI', Number(opts.uiPort), uiUp, '--ui-port'),
  ];
}

export function formatFindings(findings: Finding[]): string {
  const lines = findings.flatMap((f) => [`${f.ok ? (f.warning ? '!' : '✓') : '✗'} ${f.check.padEnd(18)} ${f.detail}`, ...(f.fix && (!f.ok || f.warning) ? [`  ${' '.repeat(18)} fix: ${f.fix}`] : [])]);
  const problems = findings.filter((f) => !f.ok).length;
  lines.push(problems ? `${problems} problem${problems === 1 ? '' : 's'} found` : 'no problems found');
  return lines.join('\n');
}

export async function doctorCommand(opts: { agentCommand: string; port: string; uiPort: string; json?: boolean }): Promise<void> {
  const findings = await runDoctor(opts);
  console.log(opts.json ? JSON.stringify(findings, null, 2) : formatFindings(findings));
  if (findings.some((f) => !f.ok)) process.exitCode = 1;
}
