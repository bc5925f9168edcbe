/** Spawning and killing worker processes (test/helpers/worker-process.ts) for the fault tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const ENTRY = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export interface WorkerChild {
  proc: ChildProcess;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/**
 * `launcher`: a command the worker runs under, e.g. `['ip', 'netns', 'exec', '<ns>']` (a host of its own);
 * `nodeArgs`: node's own flags for the worker (a bench's `--cpu-prof`).
 */
export function spawnWorker(address: string, env: Record<string, string> = {}, launcher: string[] = [], nodeArgs: string[] = []): WorkerChild {
  const argv = [...launcher, process.execPath, ...nodeArgs, '--import', 'tsx', ENTRY];
  const proc = spawn(argv[0], argv.slice(1), {
    env: { ...process.env, TEMPORAL_ADDRESS: address, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let resolveReady: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('worker ready')) resolveReady();
  });
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return { proc, ready: Promise.race([ready, exited.then(() => Promise.reject(new Error(`worker exited before ready:\n${out}`)))]), exited, output: () => out };
}

/** Processes whose command line contains `marker` (e.g. a scenario file path): the agent processes of a test. */
export function processesMatching(marker: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(marker) && !l.includes('ps -eo'))
    .map((l) => l.trim());
}
