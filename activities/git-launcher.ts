/**
 * Git commands started by small long-lived bash processes instead of by node itself (issue 15). On Linux node starts
 * a process by forking its whole address space, which costs about 5 ms more than a shell's fork: measured here, 49
 * `git merge-tree` took 7.9 ms each started by node and 2.4 ms each from a bash loop. A merge stack runs one git
 * command per item, and an item's life several dozen, so this is most of the engine's git time.
 *
 * A launcher reads a command (its directory and arguments, NUL-separated) on stdin, runs git with stdin from
 * /dev/null and its stdout and stderr into two files of its own, and answers the exit status on a line. It runs one
 * command at a time; the pool starts another when all are busy and keeps a few idle ones. Each launcher has the
 * environment it was started with: the pool starts afresh when the environment git should see changes. (Exported
 * bash functions do not reach git through a launcher.)
 * On unless OVERSEER_GIT_LAUNCHER=0 (`bench/merge-profile.ts` compares both ways in one run). If bash cannot be
 * started, git is started by node.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface GitRun {
  /** Undefined when git could not run at all (the directory is missing): `message` says why. */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  message?: string;
}

// $1, $2: the files for stdout and stderr. "x": the directory could not be entered (git never started). At the end
// of its input (node gone) the launcher removes its files. BASH_ENV is handed back to git's environment only here,
// so that the launcher itself does not read it.
const SCRIPT = `
if [ -n "\${OVERSEER_SAVED_BASH_ENV+x}" ]; then export BASH_ENV="$OVERSEER_SAVED_BASH_ENV"; unset OVERSEER_SAVED_BASH_ENV; fi
while IFS= read -r -d '' dir && IFS= read -r -d '' n; do
  args=()
  for ((i = 0; i < n; i++)); do IFS= read -r -d '' a; args+=("$a"); done
  if cd -- "$dir" 2>"$2"; then git "\${args[@]}" >"$1" 2>"$2" </dev/null; echo "$?"; else echo x; fi
done
rm -f -- "$1" "$2"; rmdir -- "\${1%/*}"`;

/**
 * The launcher's own environment: git's, less what would change the launcher itself (exported bash functions could
 * stand in for `git` or `cd`; BASH_ENV names a file bash reads at start, set again for git by the script).
 */
function launcherEnv(env: Record<string, string>): Record<string, string> {
  const own: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith('BASH_FUNC_')) continue;
    if (k === 'BASH_ENV') own.OVERSEER_SAVED_BASH_ENV = v;
    else own[k] = v;
  }
  return own;
}

const MAX_IDLE = 4;

class Launcher {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'overseer-git-'));
  private buffered = '';
  private waiting?: { resolve: (line: string) => void; reject: (err: Error) => void };
  alive = true;

  constructor(env: Record<string, string>) {
    this.child = spawn('bash', ['--noprofile', '--norc', '-c', SCRIPT, 'overseer-git', this.out, this.err], { env: launcherEnv(env), stdio: ['pipe', 'pipe', 'ignore'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onData(chunk));
    this.child.on('error', (err) => this.die(err));
    this.child.on('exit', (code, signal) => this.die(new Error(`git launcher exited (${signal ?? code})`)));
    this.child.stdin.on('error', (err) => this.die(err));
    this.idle();
  }

  private get out() {
    return path.join(this.dir, 'out');
  }
  private get err() {
    return path.join(this.dir, 'err');
  }

  private onData(chunk: string): void {
    this.buffered += chunk;
    const nl = this.buffered.indexOf('\n');
    if (nl < 0 || !this.waiting) return;
    const line = this.buffered.slice(0, nl);
    this.buffered = this.buffered.slice(nl + 1);
    const w = this.waiting;
    this.waiting = undefined;
    w.resolve(line);
  }

  private die(err: Error): void {
    if (!this.alive) return;
    this.alive = false;
    this.waiting?.reject(err);
    this.waiting = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** An idle launcher does not keep node running; a busy one does, as a child process would. */
  private idle(): void {
    this.child.unref();
    (this.child.stdout as unknown as { unref(): void }).unref();
  }
  private busy(): void {
    this.child.ref();
    (this.child.stdout as unknown as { ref(): void }).ref();
  }

  async run(dir: string, args: string[]): Promise<GitRun> {
    this.busy();
    try {
      const status = new Promise<string>((resolve, reject) => (this.waiting = { resolve, reject }));
      this.child.stdin.write(`${dir}\0${args.length}\0${args.map((a) => `${a}\0`).join('')}`);
      const line = await status;
      if (line === 'x') return { exitCode: undefined, stdout: '', stderr: '', message: readFileSync(this.err, 'utf8').trim() || `cannot enter ${dir}` };
      // Small files just written (page cache): reading them synchronously is faster than two trips to the thread pool.
      const stdout = readFileSync(this.out, 'utf8');
      const stderr = readFileSync(this.err, 'utf8');
      return { exitCode: Number(line), stdout, stderr };
    } finally {
      if (this.alive) this.idle();
    }
  }

  close(): void {
    this.child.stdin.end();
    this.die(new Error('git launcher closed'));
  }
}

let pool: { env: string; idle: Launcher[] } | undefined;
let disabled = process.env.OVERSEER_GIT_LAUNCHER === '0';

/** Benches compare both ways in one run. */
export function useGitLauncher(on: boolean): void {
  disabled = !on;
}

process.once('exit', () => pool?.idle.forEach((l) => l.close()));

/**
 * Runs git through a launcher; undefined when no launcher can be used (off, or bash missing), so the caller starts
 * git itself. A launcher that dies mid-command answers "could not run" rather than a second try: the command may have
 * run (an activity retries as a whole). Arguments may hold any byte but NUL, as for any process.
 */
export async function runThroughLauncher(dir: string, args: string[], env: Record<string, string>): Promise<GitRun | undefined> {
  if (disabled || args.some((a) => a.includes('\0'))) return undefined;
  const key = JSON.stringify(env);
  if (pool?.env !== key) {
    pool?.idle.forEach((l) => l.close());
    pool = { env: key, idle: [] };
  }
  const mine = pool;
  const launcher = mine.idle.pop() ?? new Launcher(env);
  try {
    return await launcher.run(path.resolve(dir), args);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return { exitCode: undefined, stdout: '', stderr: '', message: (err as Error).message };
    disabled = true; // no bash here: git never ran
    return undefined;
  } finally {
    if (launcher.alive && pool === mine && mine.idle.length < MAX_IDLE) mine.idle.push(launcher);
    else if (launcher.alive) launcher.close();
  }
}
