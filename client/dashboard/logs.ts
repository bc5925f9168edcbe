/** An item's log folder (`<repo>/.overseer/logs/<epic>/<item>/`): its gate logs, read on request only. */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { safeComponent } from '../../common/ids';
import { redact } from './transcript';

const GATE_LOG = /^(merge-)?gates-[A-Za-z0-9._-]+\.log$/;
const MAX_LOG = 64 * 1024;

export function itemLogDir(repoPath: string, epicId: string, itemId: string): string {
  return path.join(repoPath, '.overseer', 'logs', safeComponent(epicId), safeComponent(itemId));
}

/** Names of the item's gate logs (gates-<run>.log, merge-gates-<id>.log), oldest first. */
export async function gateLogs(repoPath: string, epicId: string, itemId: string): Promise<string[]> {
  const dir = itemLogDir(repoPath, epicId, itemId);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => GATE_LOG.test(n));
  } catch {
    return [];
  }
  const times = await Promise.all(names.map(async (n) => (await stat(path.join(dir, n))).mtimeMs));
  return names.map((n, i) => ({ n, t: times[i] })).sort((a, b) => a.t - b.t).map((x) => x.n);
}

/** One gate log by name (only names of the gate-log pattern, only in the item's folder); its last 64 KiB. */
export async function readGateLog(repoPath: string, epicId: string, itemId: string, name: string): Promise<string> {
  if (!GATE_LOG.test(name)) throw new Error(`${name} is not a gate log`);
  const raw = await readFile(path.join(itemLogDir(repoPath, epicId, itemId), name), 'utf8');
  return redact(raw.length > MAX_LOG ? `… (${raw.length - MAX_LOG} earlier characters)\n${raw.slice(-MAX_LOG)}` : raw);
}
