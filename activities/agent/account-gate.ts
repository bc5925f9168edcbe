/**
 * One usage limit stops every session of the account, not just the one that met it: the first session that reports
 * `rejected` records the limit in a small file shared by the workers of this host that use the same Claude login
 * (the same CLAUDE_CONFIG_DIR), and no new session starts into it until it lifts. The file survives a worker restart.
 * Workers on other hosts each learn of the limit from their own first session (at most the sessions already running).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { UsageLimit } from '../../common/usage-limit';

export function defaultAccountStateDir(): string {
  return process.env.OVERSEER_ACCOUNT_STATE_DIR || path.join(os.homedir(), '.overseer', 'accounts');
}

/** The account's file: one per Claude login (config dir) in the state folder. */
export function accountFile(stateDir: string, sessionEnv: Record<string, string | undefined>): string {
  const login = sessionEnv.CLAUDE_CONFIG_DIR || path.join(os.homedir(), '.claude');
  const key = createHash('sha256').update(login).digest('hex').slice(0, 16);
  return path.join(stateDir, `usage-limit-${key}.json`);
}

/** The limit in force for the account now, if any. */
export function limitInForce(file: string, nowMs = Date.now()): UsageLimit | undefined {
  try {
    const limit = JSON.parse(readFileSync(file, 'utf8')) as UsageLimit;
    return typeof limit.resetsAt === 'number' && limit.resetsAt * 1000 > nowMs ? limit : undefined;
  } catch {
    return undefined;
  }
}

/** Records a limit for the account (a later reset replaces an earlier one; written atomically). */
export function recordLimit(file: string, limit: UsageLimit): void {
  const current = limitInForce(file);
  if (current && current.resetsAt >= limit.resetsAt) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ resetsAt: limit.resetsAt, limitType: limit.limitType, ...(limit.text ? { text: limit.text } : {}) }));
  renameSync(tmp, file);
}
