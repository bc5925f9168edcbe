/**
 * Write-back to Beads through its own CLI (notes Part B.5): `bd update <id> --status in_progress` when an item is
 * dispatched, `bd close <id> --reason "<summary> (merge <sha>)"` when it merged, `bd comments add <id> "<text>"`
 * when it failed. Only when the plan says so (the client found `bd`) and `bd` is on this worker's PATH.
 */
import { execa } from 'execa';
import type { PlanSource } from '../common/plan';
import type { WriteBackEvent, WriteBackResult } from './sync';
import { findOnPath } from './which';

const oneLine = (s: string, max: number) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

/** The `bd` arguments for an event, or undefined when Beads has nothing to learn from it. */
export function bdArguments(event: WriteBackEvent): string[] | undefined {
  switch (event.kind) {
    case 'started':
      return ['update', event.itemId, '--status', 'in_progress'];
    case 'merged':
      return ['close', event.itemId, '--reason', `${oneLine(event.summary, 400) || 'Merged by Overseer'} (merge ${event.mergeCommit})`];
    case 'failed':
      return ['comments', 'add', event.itemId, `Overseer could not finish this item: ${oneLine(event.reason, 1000)}`];
    default:
      return undefined;
  }
}

export async function beadsWriteBack(source: PlanSource, event: WriteBackEvent): Promise<WriteBackResult> {
  if (source.kind !== 'beads' || !source.writeBack) return { ok: true }; // the client already said write-back is off
  const args = bdArguments(event);
  if (!args) return { ok: true };
  const bd = findOnPath('bd');
  if (!bd) return { ok: false, note: '`bd` is not on the worker\'s PATH: nothing was written back to Beads' };
  const r = await execa(bd, args, { cwd: source.cwd, reject: false, stdin: 'ignore', timeout: 60_000 });
  if (r.exitCode === 0) return { ok: true };
  const why = String(r.stderr || r.stdout).trim().split('\n')[0] || (r.timedOut ? 'timed out' : 'no message');
  const what = args[0] === 'comments' ? `bd comments add ${args[2]}` : `bd ${args[0]} ${args[1]}`;
  return { ok: false, note: `${what} failed (exit ${r.exitCode ?? r.signal}): ${why}` };
}
