/**
 * Named crash points for the fault-injection tests (test/crash). Off unless the worker runs with
 * OVERSEER_CRASH_POINTS=<name>[,<name>...] and OVERSEER_CRASH_DIR=<dir>: the first time a listed point is
 * reached, the worker process is killed with SIGKILL — no cleanup, no goodbye, like a machine losing power.
 * Each point fires once per OVERSEER_CRASH_DIR (a marker file remembers it across worker restarts).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type CrashPoint =
  | 'worktree:after-create'
  | 'agent:mid-session'
  | 'commit:after'
  | 'gates:mid'
  | 'merge:before-publish'
  | 'merge:after-publish'
  | 'worktree:after-remove'
  | 'agent:after-result';

const armed = new Set((process.env.OVERSEER_CRASH_POINTS ?? '').split(',').map((s) => s.trim()).filter(Boolean));

export function crashPoint(name: CrashPoint): void {
  if (!armed.has(name)) return;
  const dir = process.env.OVERSEER_CRASH_DIR;
  if (!dir) return;
  const marker = path.join(dir, `${name.replace(/[^a-z-]/g, '_')}.fired`);
  if (existsSync(marker)) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(marker, `${process.pid} ${new Date().toISOString()}\n`);
  process.kill(process.pid, 'SIGKILL');
}
