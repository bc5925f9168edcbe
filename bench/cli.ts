/**
 * How fast the command line answers, against the `temporal` CLI, and how soon a worker polls:
 *
 *   npm run build && npx tsx bench/cli.ts [--runs 5]
 *
 * - `overseer --help` (compiled, and from the sources through tsx) vs `temporal --help`;
 * - `overseer status <epic>` vs `temporal workflow describe` on a finished epic of a dev server started here (and
 *   the same `status` from the per-file modules, without the CLI bundle);
 * - a worker's time from start to polling: compiled with the prebuilt workflow bundle (dist/workflow-bundle.js),
 *   from the sources with the on-disk bundle cache, and what bundling costs when neither is there.
 * Medians of --runs runs (default 5). Goals: --help ≤ 0.3 s, status ≤ 0.6 s.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { findTemporalCli } from '../workers/temporal-cli';
import { startTestEnv, startWorkers } from '../test/helpers/temporal';
import { makeRepo } from '../test/helpers/repo';
import { fakeAgent } from '../test/helpers/agent';
import { smallPlan, startEpic } from '../test/helpers/epics';
import { numberOption } from './args';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'overseer.js');
/** The compiled modules one by one, as the package ran every command before the CLI bundle (dist/cli/). */
const PER_FILE_CLI = path.join(ROOT, 'dist', 'client', 'cli.js');
const RUNS = numberOption('runs', 5);
if (!existsSync(path.join(ROOT, 'dist', 'client', 'cli.js'))) throw new Error('build first: npm run build');
const cli = findTemporalCli();
if (cli.kind !== 'path') throw new Error('the temporal CLI is not installed');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median seconds of running a command (asynchronously: the workers in this process must answer its queries). */
async function timed(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const { code, err } = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const p = spawn(file, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let e = '';
      p.stderr.on('data', (d: Buffer) => (e += d.toString()));
      p.once('exit', (c) => resolve({ code: c, err: e }));
    });
    samples.push(Number(process.hrtime.bigint() - t) / 1e9);
    if (code !== 0) throw new Error(`${file} ${args.join(' ')} exited ${code}: ${err}`);
  }
  return median(samples);
}

/** Seconds from spawning a worker until it says it polls (printed right after its workers are created). */
function workerStart(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = Date.now();
    const p = spawn(process.execPath, [BIN, 'worker'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ctrl-C to stop')) {
        const s = (Date.now() - t) / 1000;
        p.kill('SIGINT');
        p.once('exit', () => resolve(s));
      }
    };
    p.stdout.on('data', onData);
    p.stderr.on('data', onData);
    p.once('exit', (code) => (out.includes('Ctrl-C to stop') ? undefined : reject(new Error(`worker exited ${code}: ${out}`))));
  });
}

const row = (what: string, s: number) => console.log(`  ${what.padEnd(66)} ${s.toFixed(3)} s`);
const env = await startTestEnv();
const workers = await startWorkers(env);
try {
  const plan = smallPlan('bench-cli', makeRepo('bench-cli'), [{ id: 'a' }], fakeAgent({}).command, { review: { enabled: false } } as never);
  await (await startEpic(env, plan)).result();
  const server = { TEMPORAL_ADDRESS: env.address };
  console.log(`median of ${RUNS} runs, ${new Date().toISOString()}`);
  row('overseer --help (compiled)', await timed(process.execPath, [BIN, '--help'], { OVERSEER_DIST: '1' }));
  row('overseer --help (sources through tsx)', await timed(process.execPath, [BIN, '--help']));
  row('temporal --help', await timed(cli.path, ['--help']));
  row('overseer status bench-cli (compiled)', await timed(process.execPath, [BIN, 'status', 'bench-cli'], { ...server, OVERSEER_DIST: '1' }));
  row('overseer status bench-cli (compiled, per-file modules, no bundle)', await timed(process.execPath, [PER_FILE_CLI, 'status', 'bench-cli'], server));
  row('temporal workflow describe --workflow-id epic/bench-cli', await timed(cli.path, ['workflow', 'describe', '--workflow-id', 'epic/bench-cli', '--address', env.address]));
  const prebuilt: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    prebuilt.push(await workerStart({ ...server, OVERSEER_DIST: '1' }));
    cached.push(await workerStart(server));
  }
  row('worker start to polling, compiled + prebuilt bundle', median(prebuilt));
  row('worker start to polling, sources + cached bundle', median(cached));
  const t = Date.now();
  await bundleWorkflowCode({ workflowsPath: path.join(ROOT, 'workflows', 'index.ts'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
  row('bundling the workflows (a worker with neither adds this)', (Date.now() - t) / 1000);
} finally {
  await workers.stop();
  await env.teardown();
}
