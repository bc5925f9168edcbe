/**
 * A previous attempt on this host may have left its CLI running (the worker was SIGKILLed and the agent outlived
 * it). Stop it before continuing its session, so two processes never work in one worktree, but only when the pid
 * still is that agent (a reused pid belongs to somebody else).
 */
import { hostname } from 'node:os';
import { Context } from '@temporalio/activity';
import { isAlive, isSameProcess, stopGroup } from './process-group';
import type { AgentCheckpoint } from './types';

export async function reapPrevious(checkpoint: AgentCheckpoint | undefined, graceMs: number, procRoot?: string): Promise<'stopped' | 'none' | 'not-ours'> {
  if (!checkpoint?.pid || checkpoint.host !== hostname() || !isAlive(checkpoint.pid)) return 'none';
  if (!isSameProcess(checkpoint.pid, checkpoint.process, procRoot)) {
    logWarn('the recorded agent pid now belongs to another process; leaving it alone', { pid: checkpoint.pid });
    return 'not-ours';
  }
  await stopGroup(checkpoint.pid, graceMs);
  return 'stopped';
}

function logWarn(message: string, meta: Record<string, unknown>): void {
  try {
    Context.current().log.warn(message, meta);
  } catch {
    /* not in an activity */
  }
}
