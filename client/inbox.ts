/**
 * Everything that waits for a person, per epic: open questions (with their options and the command that answers
 * them), failed items (with the commands that retry, skip or cancel them), merges waiting for approval, merges the
 * queue holds (and why), and budget or usage-limit waits when the item status carries them. Each kind is one
 * function from an item status to entries, so a new kind is one more function in KINDS.
 */
import type { EpicStatus, ItemStatus } from '../common/status';

export type InboxKind = 'question' | 'failed' | 'approval' | 'held-merge' | 'wait';

export interface InboxEntry {
  kind: InboxKind;
  epicId: string;
  itemId: string;
  /** One line: what is waiting. */
  summary: string;
  /** More lines: the question's options and context, the failure's output tail... */
  details: string[];
  /** The commands that move it on, exactly as typed. */
  commands: string[];
  since?: number;
}

/** Fields an item status may carry beyond common/status.ts (filled by the workflows when they report them). */
export interface ItemStatusExtras {
  /** A wait that is no human's decision but needs one's attention: budget spent, usage limit until a time. */
  wait?: { kind: 'budget' | 'usage-limit' | string; reason: string; until?: number };
  tokens?: { input?: number; output?: number; cacheRead?: number; cacheCreation?: number };
  host?: string;
  baseCommit?: string;
}

const quote = (s: string) => (/^[A-Za-z0-9._/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function questionEntries(epicId: string, it: ItemStatus): InboxEntry[] {
  const q = it.pendingQuestion;
  if (!q) return [];
  const details = [...(q.options?.length ? [`options: ${q.options.join(' | ')}`] : []), ...(q.context ? [`context: ${q.context}`] : [])];
  const answers = q.options?.length ? q.options : ['<your answer>'];
  return [
    {
      kind: 'question',
      epicId,
      itemId: it.itemId,
      summary: `${q.kind === 'merge_conflict' ? 'merge conflict' : 'question'} [${q.questionId}]: ${q.question}`,
      details,
      commands: answers.map((a) => `overseer answer ${q.questionId} ${a === '<your answer>' ? "'<your answer>'" : quote(a)}`),
      since: q.askedAt,
    },
  ];
}

function failedEntries(epicId: string, it: ItemStatus): InboxEntry[] {
  if (it.state !== 'failed') return [];
  const [first, ...rest] = (it.detail ?? 'failed (no reason recorded)').split('\n');
  return [
    {
      kind: 'failed',
      epicId,
      itemId: it.itemId,
      summary: `item ${it.itemId} failed after ${it.attempts} attempt${it.attempts === 1 ? '' : 's'}: ${first}`,
      details: rest.filter((l) => l.trim()).slice(-20),
      commands: [`overseer retry ${epicId} ${it.itemId}`, `overseer skip ${epicId} ${it.itemId}`, `overseer cancel ${epicId} ${it.itemId}`, `overseer logs ${epicId} ${it.itemId}`],
      since: it.finishedAt,
    },
  ];
}

function approvalEntries(epicId: string, it: ItemStatus): InboxEntry[] {
  if (it.state !== 'approved' || !/approve the merge/.test(it.detail ?? '')) return [];
  return [
    {
      kind: 'approval',
      epicId,
      itemId: it.itemId,
      summary: `item ${it.itemId} passed review and waits for your approval to merge`,
      details: it.branch ? [`branch: ${it.branch}`] : [],
      commands: [`overseer diff ${epicId} ${it.itemId}`, `overseer approve ${epicId} ${it.itemId}`, `overseer skip ${epicId} ${it.itemId}`],
    },
  ];
}

function waitEntries(epicId: string, it: ItemStatus): InboxEntry[] {
  if (it.state === 'waiting') {
    const budget = (it.detail ?? '').startsWith('budget:');
    return [{
      kind: 'wait',
      epicId,
      itemId: it.itemId,
      summary: `item ${it.itemId} waits (${budget ? 'budget' : 'usage limit'}): ${it.detail ?? ''}`,
      details: budget ? [] : ['it resumes the same session by itself after the reset'],
      commands: budget ? [`overseer budget ${epicId} --add <usd>`, `overseer budget ${epicId}`] : [`overseer status ${epicId} ${it.itemId}`],
    }];
  }
  const wait = (it as ItemStatus & ItemStatusExtras).wait;
  if (!wait) return [];
  const until = wait.until ? ` until ${new Date(wait.until).toISOString()}` : '';
  return [{ kind: 'wait', epicId, itemId: it.itemId, summary: `item ${it.itemId} waits (${wait.kind})${until}: ${wait.reason}`, details: [], commands: [`overseer status ${epicId} ${it.itemId}`] }];
}

const KINDS = [questionEntries, failedEntries, approvalEntries, waitEntries];

export function inboxOf(status: EpicStatus): InboxEntry[] {
  return status.items.flatMap((it) => KINDS.flatMap((k) => k(status.epicId, it)));
}

/** A merge the queue holds for this epic (its checkout is dirty, ...): from the merge queue's status. */
export function heldMergeEntry(epicId: string, held: { itemId: string; note: string; since: number }): InboxEntry {
  return {
    kind: 'held-merge',
    epicId,
    itemId: held.itemId,
    summary: `the merge of ${held.itemId} is held: ${held.note}`,
    details: [],
    commands: ['overseer queue <repo>'],
    since: held.since,
  };
}

export function formatInbox(entries: InboxEntry[], now = Date.now()): string {
  if (!entries.length) return 'nothing waits for you';
  const lines: string[] = [];
  for (const e of entries) {
    const ago = e.since ? ` (${Math.max(0, Math.round((now - e.since) / 60000))}m ago)` : '';
    lines.push(`[${e.kind}] epic ${e.epicId}, ${e.summary}${ago}`);
    for (const d of e.details) lines.push(`    ${d}`);
    for (const c of e.commands) lines.push(`    $ ${c}`);
  }
  return lines.join('\n');
}
