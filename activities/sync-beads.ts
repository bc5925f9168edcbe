/**
 * Write-back to Beads through its own CLI (notes Part B.5): `bd update <id> --status in_progress` when an item is
 * dispatched, `bd close <id> --reason "<summary> (merge <sha>)"` when it merged, `bd comments add <id> "<text>"`
 * when it failed. Only when the plan says so (the client found `bd`) and `bd` is on this worker's PATH.
 *
 * Ids and texts go after `--` (an id may start with `-`), values as `--flag=value`. An activity may run twice, so
 * each write first reads the issue (`bd show --json`) and does nothing when Beads already has it: claimed, closed,
 * or the same comment.
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
      return ['update', '--status=in_progress', '--', event.itemId];
    case 'merged':
      return ['close', `--reason=${oneLine(event.summary, 400) || 'Merged by Overseer'} (merge ${event.mergeCommit})`, '--', event.itemId];
    case 'failed':
      return ['comments', 'add', '--', event.itemId, failureComment(event.reason)];
    default:
      return undefined;
  }
}

const failureComment = (reason: string) => `Overseer could not finish this item: ${oneLine(reason, 1000)}`;

interface IssueState {
  status?: string;
  comments: string[];
}

/** The issue as Beads has it now, or undefined when `bd show` cannot say (the write then reports its own error). */
async function issueState(bd: string, cwd: string | undefined, id: string): Promise<IssueState | undefined> {
  const r = await execa(bd, ['show', '--json', '--include-comments', '--', id], { cwd, reject: false, stdin: 'ignore', timeout: 60_000 });
  if (r.exitCode !== 0) return undefined;
  try {
    const parsed = JSON.parse(String(r.stdout)) as unknown;
    // An array of one issue; `BD_JSON_ENVELOPE=1` wraps it as {schema_version, data}.
    const payload = parsed && typeof parsed === 'object' && 'data' in parsed ? (parsed as { data: unknown }).data : parsed;
    const issue = (Array.isArray(payload) ? payload[0] : payload) as { status?: unknown; comments?: unknown } | undefined;
    const comments = Array.isArray(issue?.comments) ? issue.comments.map((c) => (c as { text?: unknown })?.text).filter((t): t is string => typeof t === 'string') : [];
    return { status: typeof issue?.status === 'string' ? issue.status : undefined, comments };
  } catch {
    return undefined;
  }
}

/** Whether Beads already holds what this event would write (a retried activity, or a second run of the epic). */
function alreadyWritten(event: WriteBackEvent, state: IssueState | undefined): boolean {
  if (!state) return false;
  switch (event.kind) {
    case 'started':
      return state.status === 'in_progress' || state.status === 'closed'; // never reopen a closed issue
    case 'merged':
      return state.status === 'closed';
    case 'failed':
      return state.comments.includes(failureComment(event.reason));
    default:
      return false;
  }
}

export async function beadsWriteBack(source: PlanSource, event: WriteBackEvent): Promise<WriteBackResult> {
  if (source.kind !== 'beads' || !source.writeBack) return { ok: true }; // the client already said write-back is off
  const args = bdArguments(event);
  if (!args || !('itemId' in event)) return { ok: true };
  const bd = findOnPath('bd');
  if (!bd) return { ok: false, note: '`bd` is not on the worker\'s PATH: nothing was written back to Beads' };
  if (alreadyWritten(event, await issueState(bd, source.cwd, event.itemId))) return { ok: true };
  const r = await execa(bd, args, { cwd: source.cwd, reject: false, stdin: 'ignore', timeout: 60_000 });
  if (r.exitCode === 0) return { ok: true };
  const why = String(r.stderr || r.stdout).trim().split('\n')[0] || (r.timedOut ? 'timed out' : 'no message');
  const what = args[0] === 'comments' ? `bd comments add ${event.itemId}` : `bd ${args[0]} ${event.itemId}`;
  return { ok: false, note: `${what} failed (exit ${r.exitCode ?? r.signal}): ${why}` };
}
