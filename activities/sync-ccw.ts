/**
 * Write-back to a claude-code-workflow session, the way ccw's own executors record progress (notes Part C):
 * the task JSON gets `status`, a `status_history` entry and `completed_at`; TODO_LIST.md gets its box ticked;
 * `.summaries/<id>-summary.md` holds the agent's summary; `workflow-session.json` is `active` while the epic runs
 * and `completed` when it is done. Every file is replaced atomically (temp file + rename) under a lock.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PlanSource } from '../common/plan';
import type { WriteBackEvent, WriteBackResult } from './sync';
import { editFileAtomic, withFileLock, writeFileAtomic } from './atomic-file';
import { archiveSession, archivedDir, writeReviewFindings } from './ccw-archive';

type Json = Record<string, unknown>;

/** Re-serializes JSON in the layout the file had: one line, or indented like the original. */
function stringifyLike(original: string, value: unknown): string {
  const indent = /\n([ \t]+)"/.exec(original)?.[1];
  return JSON.stringify(value, null, indent) + (original.endsWith('\n') ? '\n' : '');
}

async function editJson(file: string, edit: (o: Json) => boolean): Promise<boolean> {
  return editFileAtomic(file, (text) => {
    const o = JSON.parse(text) as Json;
    return edit(o) ? stringifyLike(text, o) : undefined;
  });
}

async function taskFiles(sessionDir: string): Promise<Map<string, string>> {
  const dir = path.join(sessionDir, '.task');
  const out = new Map<string, string>();
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.json'))) {
    try {
      const o = JSON.parse(await readFile(path.join(dir, f), 'utf8')) as Json;
      const id = typeof o.id === 'string' ? o.id : typeof o.task_id === 'string' ? o.task_id : f.replace(/\.json$/, '');
      out.set(id, path.join(dir, f));
    } catch {
      /* unreadable tasks are the importer's business */
    }
  }
  return out;
}

async function taskFile(sessionDir: string, id: string): Promise<string> {
  const direct = path.join(sessionDir, '.task', `${id}.json`);
  if (existsSync(direct)) return direct;
  const found = (await taskFiles(sessionDir)).get(id);
  if (!found) throw new Error(`no task file for ${id} in ${path.join(sessionDir, '.task')}`);
  return found;
}

/** Moves a task to `to`, recording the transition; false when it already was there. */
function transition(task: Json, to: string, at: string, reason?: string): boolean {
  const from = typeof task.status === 'string' ? task.status : 'pending';
  if (from === to) return false;
  task.status = to;
  const history = Array.isArray(task.status_history) ? task.status_history : [];
  history.push({ from, to, changed_at: at, ...(reason && { reason }) });
  task.status_history = history;
  if (to === 'completed') task.completed_at = at;
  return true;
}

async function setTaskStatus(sessionDir: string, id: string, to: string, reason?: string): Promise<void> {
  const at = new Date().toISOString();
  await editJson(await taskFile(sessionDir, id), (t) => transition(t, to, at, reason));
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `- [ ] **IMPL-2**: ... ` → `- [x] **IMPL-2**: ... | [✅](./.summaries/IMPL-2-summary.md)` */
export function tickTodoLine(text: string, id: string): string {
  const re = new RegExp(`^(\\s*- )\\[ \\](\\s+\\*\\*${escapeRe(id)}\\*\\*.*?)\\s*$`, 'm');
  return text.replace(re, (_m, lead: string, rest: string) => {
    const link = rest.includes('.summaries/') ? '' : ` | [✅](./.summaries/${id}-summary.md)`;
    return `${lead}[x]${rest}${link}`;
  });
}

async function tickTodo(sessionDir: string, id: string): Promise<void> {
  const file = path.join(sessionDir, 'TODO_LIST.md');
  if (!existsSync(file)) return;
  await editFileAtomic(file, (text) => tickTodoLine(text, id));
}

async function writeSummary(sessionDir: string, id: string, summary: string, mergeCommit: string): Promise<void> {
  const file = path.join(sessionDir, '.summaries', `${id}-summary.md`);
  const body = `# ${id} summary\n${summary.trim() || '(the agent gave no summary)'}\n\nMerged by Overseer as ${mergeCommit}.\n`;
  await mkdir(path.dirname(file), { recursive: true }); // a session that has no summary yet has no .summaries/
  await withFileLock(file, () => writeFileAtomic(file, body));
}

const FINISHED = new Set(['completed', 'done', 'skipped']);

/** A container whose subtasks are all completed is completed too (and so on upwards). */
async function completeContainers(sessionDir: string, id: string): Promise<void> {
  const files = await taskFiles(sessionDir);
  const statusOf = async (tid: string) => ((JSON.parse(await readFile(files.get(tid)!, 'utf8')) as Json).status as string | undefined) ?? 'pending';
  let child = id;
  while (child.includes('.')) {
    let parent = child.slice(0, child.lastIndexOf('.'));
    while (!files.has(parent) && parent.includes('.')) parent = parent.slice(0, parent.lastIndexOf('.'));
    if (!files.has(parent)) return;
    const subtasks = [...files.keys()].filter((t) => t.startsWith(`${parent}.`));
    for (const t of subtasks) if (!FINISHED.has(await statusOf(t))) return;
    const at = new Date().toISOString();
    await editJson(files.get(parent)!, (t) => transition(t, 'completed', at));
    child = parent;
  }
}

async function setSessionStatus(sessionDir: string, status: 'active' | 'completed'): Promise<void> {
  const file = path.join(sessionDir, 'workflow-session.json');
  const at = new Date().toISOString();
  if (!existsSync(file)) {
    await withFileLock(file, () => writeFileAtomic(file, `${JSON.stringify({ session_id: path.basename(sessionDir), status, type: 'workflow', created_at: at })}\n`));
    return;
  }
  await editJson(file, (s) => {
    if (s.status === status) return false;
    s.status = status;
    if (status === 'active') s.execution_started_at ??= at;
    if (status === 'completed') s.completed_at = at;
    s.updated_at = at;
    return true;
  });
}

export async function ccwWriteBack(source: PlanSource, event: WriteBackEvent): Promise<WriteBackResult> {
  if (source.kind !== 'ccw' || !source.writeBack) return { ok: true };
  const dir = source.sessionDir;
  const errors: string[] = [];
  const step = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      errors.push(`${what}: ${(err as Error).message}`);
    }
  };
  switch (event.kind) {
    case 'epic-started':
      await step('workflow-session.json', () => setSessionStatus(dir, 'active'));
      break;
    case 'epic-completed':
      await step('workflow-session.json', () => setSessionStatus(dir, 'completed'));
      // Like `/workflow:session:complete`: the session is archived (a session outside `active/` stays where it is).
      if (archivedDir(dir)) await step('archive', async () => void (await archiveSession(dir)));
      break;
    case 'review-findings':
      await step('.review', () => writeReviewFindings(dir, event.text));
      break;
    case 'started':
      await step(`task ${event.itemId}`, () => setTaskStatus(dir, event.itemId, 'in_progress'));
      break;
    case 'merged':
      await step(`task ${event.itemId}`, () => setTaskStatus(dir, event.itemId, 'completed'));
      await step('TODO_LIST.md', () => tickTodo(dir, event.itemId));
      await step(`summary of ${event.itemId}`, () => writeSummary(dir, event.itemId, event.summary, event.mergeCommit));
      await step('containers', () => completeContainers(dir, event.itemId));
      break;
    case 'failed':
      await step(`task ${event.itemId}`, () => setTaskStatus(dir, event.itemId, 'failed', event.reason));
      break;
  }
  return errors.length ? { ok: false, note: `write-back to ${path.basename(dir)} failed: ${errors.join('; ')}` } : { ok: true };
}
