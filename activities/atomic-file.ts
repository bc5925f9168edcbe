/**
 * Safe edits of files other tools also read (ccw session files): every write goes to a temporary file in the same
 * folder and is renamed over the original, so a reader never sees half a file; read-modify-write cycles hold a lock
 * (a `<file>.lock` folder) so two items finishing at once do not lose each other's change.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, content, 'utf8');
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

const STALE_LOCK_MS = 30_000;

/** Runs `fn` while holding `<file>.lock`; a lock older than 30 s is taken to be left over from a crash. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > STALE_LOCK_MS) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${file} stayed locked by another writer (${lock})`);
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Locked read-modify-write of a text file; `edit` returns the new text, or undefined to leave the file alone. */
export async function editFileAtomic(file: string, edit: (text: string) => string | undefined): Promise<boolean> {
  return withFileLock(file, async () => {
    const text = await readFile(file, 'utf8');
    const next = edit(text);
    if (next === undefined || next === text) return false;
    await writeFileAtomic(file, next);
    return true;
  });
}
