/**
 * Completing a claude-code-workflow session the way `/workflow:session:complete` does: the session folder moves
 * from `.workflow/active/` to `.workflow/archives/`, its `workflow-session.json` says `completed` with
 * `archived_at`, and `archives/manifest.json` lists it. Every file is written atomically; doing it twice is harmless.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { withFileLock, writeFileAtomic } from './atomic-file';

type Json = Record<string, unknown>;

async function readJson(file: string): Promise<Json | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Json;
  } catch {
    return undefined;
  }
}

/** Where an active session goes when archived (undefined when it is not under `active/`). */
export function archivedDir(sessionDir: string): string | undefined {
  const parent = path.dirname(path.resolve(sessionDir));
  return path.basename(parent) === 'active' ? path.join(path.dirname(parent), 'archives', path.basename(sessionDir)) : undefined;
}

export async function archiveSession(sessionDir: string): Promise<string> {
  const target = archivedDir(sessionDir);
  if (!target) throw new Error(`${sessionDir} is not under .workflow/active/; not archived`);
  const at = new Date().toISOString();
  if (existsSync(sessionDir)) {
    const file = path.join(sessionDir, 'workflow-session.json');
    const session = (await readJson(file)) ?? { session_id: path.basename(sessionDir), type: 'workflow' };
    await withFileLock(file, () => writeFileAtomic(file, `${JSON.stringify({ ...session, status: 'completed', archived_at: session.archived_at ?? at, updated_at: at }, null, 2)}\n`));
    await mkdir(path.dirname(target), { recursive: true });
    if (existsSync(target)) throw new Error(`${target} exists already; ${sessionDir} left in place`);
    await rename(sessionDir, target); // one step on the same file system
  }
  await addToManifest(target, at);
  return target;
}

/** `archives/manifest.json`: `{ "archives": [{ session_id, description, archived_at, path }] }` (an array is kept as one). */
async function addToManifest(target: string, at: string): Promise<void> {
  const manifest = path.join(path.dirname(target), 'manifest.json');
  const id = path.basename(target);
  const session = (await readJson(path.join(target, 'workflow-session.json'))) ?? {};
  await withFileLock(manifest, async () => {
    const raw = (await readJson(manifest)) as Json | Json[] | undefined;
    const list: Json[] = Array.isArray(raw) ? raw : Array.isArray(raw?.archives) ? (raw.archives as Json[]) : [];
    if (list.some((e) => e.session_id === id)) return;
    list.push({ session_id: id, description: session.project ?? session.description ?? id, status: 'completed', archived_at: session.archived_at ?? at, path: `archives/${id}` });
    const next = Array.isArray(raw) ? list : { ...(raw ?? {}), archives: list, updated_at: at };
    await writeFileAtomic(manifest, `${JSON.stringify(next, null, 2)}\n`);
  });
}

/** The review session's findings, written into the session (`.review/overseer-review.md`). */
export async function writeReviewFindings(sessionDir: string, text: string): Promise<void> {
  const file = path.join(sessionDir, '.review', 'overseer-review.md');
  await mkdir(path.dirname(file), { recursive: true });
  await withFileLock(file, () => writeFileAtomic(file, text.endsWith('\n') ? text : `${text}\n`));
}
