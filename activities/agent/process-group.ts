/**
 * Agent processes as process groups: killing one, and recognizing one again. A restarted worker stops the agent a
 * dead worker left behind only when the recorded pid still is that agent: same start time (`/proc/<pid>/stat`
 * field 22) and same command line. Containers reuse hostnames and low pids, so a pid alone proves nothing.
 */
import { readFileSync } from 'node:fs';
import { fnv1a } from '../../common/ids';

/** Who a pid was when the runner started it (kept small: it travels in every heartbeat). */
export interface ProcessIdentity {
  /** Start time in clock ticks since boot (`/proc/<pid>/stat` field 22). */
  startTime: string;
  /** FNV-1a of the NUL-separated command line, and its length. */
  cmdline: string;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills a whole process group: the CLI and every tool process it started. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** The identity of a running process, or undefined when it is gone (or this system has no /proc). */
export function processIdentity(pid: number, procRoot = '/proc'): ProcessIdentity | undefined {
  try {
    const stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
    // Field 2 (comm) is in parentheses and may contain spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTime = fields[22 - 3];
    const cmdline = readFileSync(`${procRoot}/${pid}/cmdline`, 'utf8');
    if (!startTime) return undefined;
    return { startTime, cmdline: `${fnv1a(cmdline)}:${cmdline.length}` };
  } catch {
    return undefined;
  }
}

/** Whether `pid` is still the process recorded as `identity`. Without a recorded identity nothing is proven. */
export function isSameProcess(pid: number, identity: ProcessIdentity | undefined, procRoot = '/proc'): boolean {
  if (!identity) return false;
  const now = processIdentity(pid, procRoot);
  return now !== undefined && now.startTime === identity.startTime && now.cmdline === identity.cmdline;
}

/** SIGTERM to the group, then SIGKILL once `graceMs` have passed and it still lives. */
export async function stopGroup(pid: number, graceMs: number): Promise<void> {
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isAlive(pid)) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) killGroup(pid, 'SIGKILL');
}
