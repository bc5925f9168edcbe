/**
 * The user's checkouts of the target branch, as the merge sees them (issue 11, point 3). A merge moves the branch
 * only when every such checkout is a clean tracked tree and bringing it along can overwrite nothing: no uncommitted
 * change, and no untracked or ignored file (an ignored `.env`...) where the merge adds, changes or removes a path.
 */
import path from 'node:path';
import { git, isInside, listWorktrees, overseerDir } from './git-repo';

/** Worktrees of the user (not Overseer's) that have the target branch checked out. */
export async function userCheckoutsOf(top: string, targetBranch: string): Promise<string[]> {
  const mine = overseerDir(top);
  return (await listWorktrees(top))
    .filter((w) => w.branch === `refs/heads/${targetBranch}` && !isInside(path.resolve(w.path), mine))
    .map((w) => w.path);
}

const some = (files: string[]) => `${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}`;

async function uncommitted(worktree: string): Promise<string[]> {
  // Staged and unstaged changes to tracked files, one process. --no-optional-locks: a background look must not take
  // the user's index.lock. (Porcelain v1 -z: "XY path\0", and "XY to\0from\0" for a rename; the trimmed output
  // may have lost the first entry's leading space: "M path".)
  const out = await git(worktree).raw(['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=no', '--ignore-submodules=none']);
  const entries = out.split('\0');
  const files: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e.length < 3) continue;
    files.push(/^[ MTADRCU]{2} /.test(e) ? e.slice(3) : e.slice(2));
    if (e[0] === 'R' || e[0] === 'C') i++; // the rename's source follows
  }
  return files;
}

/** Untracked or ignored files of the checkout on, under or above the paths the merge changes. */
async function filesInTheWay(worktree: string, changed: string[]): Promise<string[]> {
  if (!changed.length) return [];
  const parents = new Set<string>();
  for (const p of changed) for (let d = path.posix.dirname(p); d !== '.'; d = path.posix.dirname(d)) parents.add(d);
  const specs = [...new Set([...changed, ...parents])].map((p) => `:(literal)${p}`);
  // `--others` without `--exclude-standard`: ignored files count too (read-tree -u would replace them silently).
  const others = (await git(worktree).raw(['--no-optional-locks', 'ls-files', '--others', '-z', '--', ...specs])).split('\0').filter(Boolean);
  const wanted = new Set(changed);
  return others.filter((f) => wanted.has(f) || parents.has(f) || changed.some((p) => f.startsWith(`${p}/`)));
}

/** Why the merge from `base` to `tip` must wait for the user's checkouts, or undefined when it may go on. */
export async function checkoutHold(top: string, targetBranch: string, checkouts: string[], base: string, tip: string): Promise<string | undefined> {
  if (!checkouts.length) return undefined;
  const changed = (await git(top).raw(['diff', '--name-only', '-z', '--no-renames', base, tip])).split('\0').filter(Boolean);
  for (const wt of checkouts) {
    const dirty = await uncommitted(wt);
    if (dirty.length) {
      return `${targetBranch} is checked out at ${wt} with ${dirty.length} uncommitted change${dirty.length === 1 ? '' : 's'} (${some(dirty)}); Overseer will not move it under uncommitted work. Commit or stash them, or switch that checkout to another branch; the merge waits.`;
    }
    const inTheWay = await filesInTheWay(wt, changed);
    if (inTheWay.length) {
      return `${targetBranch} is checked out at ${wt} and could not be brought up to date without overwriting a file there (untracked or ignored: ${some(inTheWay)}); move that file or switch that checkout to another branch; the merge waits.`;
    }
    // Nothing else can be in the way of a clean checkout; should it be, bringAlong's read-tree refuses and the merge is undone.
  }
  return undefined;
}

/** Brings the clean checkouts from `base` to `tip` (two-way merge); the error of the first that refuses. */
export async function bringAlong(checkouts: string[], base: string, tip: string): Promise<{ wt: string; error: unknown } | undefined> {
  for (const wt of checkouts) {
    try {
      await git(wt).raw(['read-tree', '-m', '-u', base, tip]);
    } catch (error) {
      return { wt, error };
    }
  }
  return undefined;
}

const CATCH_UP_DEPTH = 64; // first-parent steps: more than the largest batch ever published at once

/**
 * A user checkout left behind by a merge interrupted between moving the branch and updating the checkout (worker
 * killed): its index still matches an earlier commit of the first-parent line exactly. Brings it along, as the merge
 * would have; the two-way `read-tree -m -u` keeps edits made since to files the merge does not touch and refuses
 * anything else. A file of the user in the way (untracked or ignored) leaves the checkout as it is.
 */
export async function catchUpStaleCheckouts(top: string, checkouts: string[], tip: string): Promise<void> {
  if (!checkouts.length) return;
  const line = (await git(top).raw(['log', '--first-parent', '--format=%H %T', '-n', String(CATCH_UP_DEPTH), tip])).split('\n').map((l) => l.split(' '));
  for (const wt of checkouts) {
    // The tree the index holds (write-tree only adds objects; it fails on an unmerged index, which is left alone).
    const indexTree = await git(wt).raw(['--no-optional-locks', 'write-tree']).catch(() => undefined);
    const at = line.findIndex(([, tree]) => tree === indexTree);
    if (at <= 0) continue; // up to date, or not a commit of the line
    const previous = line[at][0];
    const changed = (await git(top).raw(['diff', '--name-only', '-z', '--no-renames', previous, tip])).split('\0').filter(Boolean);
    if (!(await filesInTheWay(wt, changed)).length) await git(wt).raw(['read-tree', '-m', '-u', previous, tip]).catch(() => undefined);
  }
}
