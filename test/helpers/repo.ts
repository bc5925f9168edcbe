/** Throwaway git repositories and byte-level snapshots of a checkout. */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, lstatSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function sh(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test User', GIT_AUTHOR_EMAIL: 'user@example.com', GIT_COMMITTER_NAME: 'Test User', GIT_COMMITTER_EMAIL: 'user@example.com' },
  }).trim();
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `overseer-${prefix}-`));
}

/** A repository on `main` with one commit. */
export function makeRepo(prefix = 'repo'): string {
  const dir = tempDir(prefix);
  sh(dir, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(dir, 'README.md'), '# sample project\n');
  sh(dir, 'add', '.');
  sh(dir, 'commit', '-q', '-m', 'initial commit');
  return dir;
}

/** Every file of a checkout (not .git, not Overseer's own folder) with its content hash. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = path.join(rel, name);
      if (r === '.git' || r === '.overseer') continue;
      const st = lstatSync(path.join(dir, r));
      if (st.isDirectory()) walk(r);
      else out[r] = createHash('sha256').update(readFileSync(path.join(dir, r))).digest('hex');
    }
  };
  walk('');
  return out;
}

/** First-parent merge commits of a branch, oldest first: [{hash, subject, parents}]. */
export function merges(repo: string, branch = 'main'): { hash: string; subject: string; parents: string[] }[] {
  const out = sh(repo, 'log', '--first-parent', '--merges', '--reverse', '--format=%H%x09%P%x09%s', branch);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [hash, parents, subject] = l.split('\t');
      return { hash, subject, parents: parents.split(' ') };
    });
}
