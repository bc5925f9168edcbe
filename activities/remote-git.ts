/**
 * Git against a remote (issue 12): each host keeps one cache clone per remote under its workdir, item branches are
 * pushed there after every commit, and the target branch moves only by compare-and-swap:
 * `git push --atomic --force-with-lease=refs/heads/<target>:<the sha merged onto> origin <new>:refs/heads/<target>`
 * (plus the deletion of the merged item branches in the same atomic push, so a branch is never gone before its
 * merge). A refused push changes nothing; the caller fetches, merges again on the new tip and retries.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { repoKey } from '../common/ids';
import { git, GitCommandError } from './git-repo';
import { sharedNextRun, sharedWhileRunning } from './shared-runs';

/** A remote's name in a host's folders: its URL as a key (with or without `.git`). */
export const remoteKey = (url: string) => repoKey(url.replace(/\.git$/, ''));

/** Where a host keeps its clone of `url`: `<workdir>/cache/<name>-<hash>.git` (bare: worktrees are made from it). */
export function cacheClonePath(workdir: string, url: string): string {
  return path.join(workdir, 'cache', `${remoteKey(url)}.git`);
}

/**
 * Clones `url` once (into a temporary folder, then renamed: concurrent callers never see half a clone) and fetches.
 * Items that prepare together on a host share one clone and their fetches (below) rather than each making its own.
 */
export async function ensureCacheClone(workdir: string, url: string): Promise<string> {
  const dir = cacheClonePath(workdir, url);
  if (!existsSync(dir)) await oneClone(dir, () => cloneInto(dir, url));
  await fetchRemote(dir);
  return dir;
}

async function cloneInto(dir: string, url: string): Promise<void> {
  if (existsSync(dir)) return; // made by a clone that ended between the caller's look and this one
  await mkdir(path.dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await git(path.dirname(dir)).raw(['clone', '--quiet', '--bare', '--', url, tmp]);
  // A bare clone has no remote-tracking refs by default; fetch into refs/remotes/origin like a normal clone.
  await git(tmp).raw(['config', 'remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*']);
  await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(dir)) throw err;
  });
}

const oneClone = sharedWhileRunning<string>();
const nextFetch = sharedNextRun<string>();

/**
 * Fetches every branch of the remote into the clone. A call while a fetch of the same clone runs shares the next
 * one (activities/shared-runs.ts): each caller sees the remote as it was when it asked, or newer.
 */
export function fetchRemote(clone: string): Promise<void> {
  return nextFetch(clone, async () => {
    await git(clone).raw(['fetch', '--quiet', '--prune', 'origin', '+refs/heads/*:refs/remotes/origin/*']);
  });
}

/** The remote's branch tips, asked of the remote itself (never of a remote-tracking ref that may be stale). */
export async function remoteHeads(clone: string): Promise<Map<string, string>> {
  const out = await git(clone).raw(['ls-remote', '--heads', 'origin']);
  const heads = new Map<string, string>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [sha, ref] = line.split('\t');
    if (ref?.startsWith('refs/heads/')) heads.set(ref.slice('refs/heads/'.length), sha);
  }
  return heads;
}

/**
 * Pushes an item branch after a commit. Never forced: the branch only grows (a host that takes an item over starts
 * from what was pushed), so a push that is not a fast-forward is refused rather than dropping a pushed commit.
 */
export async function pushItemBranch(clone: string, branch: string, sha: string): Promise<void> {
  await git(clone).raw(['push', '--quiet', 'origin', `${sha}:refs/heads/${branch}`]);
}

export type PublishResult =
  | { published: true; target: string; alreadyThere: boolean }
  /** Someone moved the target since `onto` (a human, CI, another queue): nothing changed on the remote. */
  | { published: false; remoteTip: string };

export interface PublishRequest {
  clone: string;
  targetBranch: string;
  /** The target's sha the merge was made on (the lease). */
  onto: string;
  /** The merge result: a descendant of `onto`. */
  newTip: string;
  /** Item branches merged by `newTip`, deleted from the remote in the same atomic push. */
  deleteBranches?: string[];
}

/** The compare-and-swap publish. Idempotent: a retry after a push that went through finds `newTip` already there. */
export async function publishMerge(req: PublishRequest): Promise<PublishResult> {
  const g = git(req.clone);
  const heads = await remoteHeads(req.clone);
  const tip = heads.get(req.targetBranch) ?? '';
  const stale = (req.deleteBranches ?? []).filter((b) => heads.has(b));
  if (tip === req.newTip || (tip && (await isAncestor(req.clone, req.newTip, tip)))) {
    // Published before (a retried activity): finish the branch deletions, which the atomic push did with it.
    if (stale.length) await g.raw(['push', '--quiet', '--atomic', 'origin', ...stale.map((b) => `:refs/heads/${b}`)]);
    return { published: true, target: tip, alreadyThere: true };
  }
  if (tip !== req.onto) return { published: false, remoteTip: tip };
  const refspecs = [`${req.newTip}:refs/heads/${req.targetBranch}`, ...stale.map((b) => `:refs/heads/${b}`)];
  try {
    await g.raw(['push', '--quiet', '--atomic', '--porcelain', `--force-with-lease=refs/heads/${req.targetBranch}:${req.onto}`, 'origin', ...refspecs]);
  } catch (err) {
    if (!(err instanceof GitCommandError) || !/stale info|rejected|fetch first|non-fast-forward|atomic push failed/i.test(err.message)) throw err;
    return { published: false, remoteTip: (await remoteHeads(req.clone)).get(req.targetBranch) ?? '' };
  }
  return { published: true, target: req.newTip, alreadyThere: false };
}

async function isAncestor(clone: string, sha: string, of: string): Promise<boolean> {
  try {
    await git(clone).raw(['merge-base', '--is-ancestor', sha, of]);
    return true;
  } catch (err) {
    if (err instanceof GitCommandError && err.exitCode === 1) return false;
    // `of` not fetched yet: it cannot be known to contain `sha`.
    if (err instanceof GitCommandError && /not a valid|bad object|unknown revision/i.test(err.message)) return false;
    throw err;
  }
}
