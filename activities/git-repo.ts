/**
 * Small git helpers shared by the worktree and merge activities. Commands run through execa rather than simple-git:
 * simple-git waits about 50 ms after every command that prints nothing (update-ref, read-tree, diff --quiet,
 * worktree remove...) whatever its `completion` options say, which made up most of a merge's time (measured:
 * 55 ms vs 7 ms per silent command). Commands are started by a launcher process (git-launcher.ts: a process
 * started by node costs about 5 ms more; OVERSEER_GIT_LAUNCHER=0 turns it off). The client, which runs a handful of
 * commands, keeps simple-git.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { runThroughLauncher } from './git-launcher';

/** Identity for commits Overseer makes itself (auto-commits of agent work, merge commits). */
export const OVERSEER_IDENTITY = ['-c', 'user.name=Overseer', '-c', 'user.email=overseer@localhost'];

/** A git command that exited non-zero; the message is its stderr and stdout. */
export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** Its standard output alone (some commands answer there even when they exit non-zero: `merge-tree`). */
    readonly stdout = '',
  ) {
    super(message);
    this.name = 'GitCommandError';
  }
}

export interface Git {
  /** Runs `git <args>` in the directory; resolves its stdout, trimmed; rejects with GitCommandError on a non-zero exit. */
  raw(args: string[]): Promise<string>;
}

/** Bench aid: with OVERSEER_GIT_TIMING set, every git command's wall time by subcommand (see bench/merge-profile.ts). */
export const gitTimings = new Map<string, { count: number; ms: number }>();
const timing = Boolean(process.env.OVERSEER_GIT_TIMING);

/**
 * The environment git runs with: GIT_* variables from a surrounding hook or shell could point git at another
 * repository, and editors or pagers have no place in unattended runs.
 */
export function gitEnvironment(): Record<string, string> {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0' };
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(git_.*|editor|visual|pager|prefix|ssh_askpass)$/i.test(k)) env[k] = v;
  }
  return env;
}

export function git(dir: string): Git {
  const env = gitEnvironment();
  return {
    async raw(args) {
      const started = timing ? performance.now() : 0;
      const r = (await runThroughLauncher(dir, args, env)) ?? (await execa('git', args, { cwd: dir, env, extendEnv: false, stdin: 'ignore', reject: false, stripFinalNewline: false }));
      if (timing) {
        const key = args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? '?';
        const t = gitTimings.get(key) ?? { count: 0, ms: 0 };
        gitTimings.set(key, { count: t.count + 1, ms: t.ms + performance.now() - started });
      }
      if (r.exitCode === undefined) throw new Error(`git could not be started: ${('originalMessage' in r && r.originalMessage) || r.message}`);
      if (r.exitCode === 0) return r.stdout.trim();
      const text = `${r.stderr}${r.stdout}`.trim();
      throw new GitCommandError(text || `git exited with code ${r.exitCode}`, r.exitCode, r.stdout);
    },
  };
}

/** Runs a git command whose exit status is the answer (`merge-base --is-ancestor`, `diff --quiet`...). */
export async function gitSucceeds(dir: string, args: string[]): Promise<boolean> {
  try {
    await git(dir).raw(args);
    return true;
  } catch (err) {
    if (err instanceof GitCommandError && err.exitCode === 1) return false;
    throw err;
  }
}

const opened = new Map<string, { top: string; commonDir: string }>();

/**
 * The repository's top level and common git dir; non-retryable when the path is not a git repository. One git
 * process, remembered per path while the path's `.git` is there (every merge and worktree activity asks).
 */
export async function openRepo(repoPath: string): Promise<{ top: string; commonDir: string }> {
  if (!existsSync(repoPath)) {
    throw ApplicationFailure.nonRetryable(`repository path does not exist: ${repoPath}`, 'RepoNotFound');
  }
  const known = opened.get(repoPath);
  if (known && existsSync(path.join(known.top, '.git'))) return known;
  try {
    const [top, common] = (await git(repoPath).raw(['rev-parse', '--show-toplevel', '--git-common-dir'])).split('\n');
    const repo = { top, commonDir: path.resolve(repoPath, common) };
    opened.set(repoPath, repo);
    return repo;
  } catch (err) {
    // A bare repository (a host's clone of a remote, issue 12) has no work tree: it is its own top.
    const bare = await git(repoPath).raw(['rev-parse', '--is-bare-repository', '--git-common-dir']).catch(() => '');
    const [isBare, common] = bare.split('\n');
    if (isBare === 'true') return { top: path.resolve(repoPath), commonDir: path.resolve(repoPath, common) };
    throw ApplicationFailure.nonRetryable(`not a git repository: ${repoPath} (${firstLine(err)})`, 'NotAGitRepo');
  }
}

export async function revParse(dir: string, rev: string): Promise<string | undefined> {
  try {
    return await git(dir).raw(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]) || undefined;
  } catch {
    return undefined;
  }
}

export async function requireBranchTip(repoPath: string, branch: string): Promise<string> {
  const tip = await revParse(repoPath, `refs/heads/${branch}`);
  if (!tip) throw missingBranch(repoPath, branch);
  return tip;
}

export function missingBranch(repoPath: string, branch: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`target branch "${branch}" does not exist in ${repoPath}`, 'BranchNotFound');
}

/** Commit ids of refs, one process: `for-each-ref` with exact names (patterns also match deeper refs). */
export async function refTips(top: string, refs: string[]): Promise<Map<string, string>> {
  const out = await git(top).raw(['for-each-ref', '--format=%(objectname) %(refname)', ...refs]);
  const wanted = new Set(refs);
  const tips = new Map<string, string>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [hash, ref] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
    if (wanted.has(ref)) tips.set(ref, hash);
  }
  return tips;
}

/** Keeps `.overseer/` (worktrees, logs, scratch merges) out of `git status` in every worktree of the repo. */
export async function ensureExcluded(commonDir: string): Promise<void> {
  const file = path.join(commonDir, 'info', 'exclude');
  const current = existsSync(file) ? await readFile(file, 'utf8') : '';
  if (current.split('\n').some((l) => l.trim() === '/.overseer/')) return;
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${current && !current.endsWith('\n') ? '\n' : ''}# Overseer's worktrees and logs\n/.overseer/\n`);
}

export interface WorktreeEntry {
  path: string;
  head?: string;
  branch?: string;
  bare: boolean;
  detached: boolean;
}

export async function listWorktrees(repoPath: string): Promise<WorktreeEntry[]> {
  const out = await git(repoPath).raw(['worktree', 'list', '--porcelain']);
  const entries: WorktreeEntry[] = [];
  let cur: WorktreeEntry | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('worktree ')) {
      cur = { path: line.slice('worktree '.length), bare: false, detached: false };
      entries.push(cur);
    } else if (cur && line.startsWith('HEAD ')) cur.head = line.slice(5);
    else if (cur && line.startsWith('branch ')) cur.branch = line.slice(7);
    else if (cur && line === 'bare') cur.bare = true;
    else if (cur && line === 'detached') cur.detached = true;
  }
  return entries;
}

export function overseerDir(repoTop: string): string {
  return path.join(repoTop, '.overseer');
}

/**
 * `git worktree prune`, limited to Overseer's own worktrees (under `<repo>/.overseer/`): forgets the registration
 * of each whose folder is gone. A global prune would also drop the registration of a user's worktree whose folder
 * is only briefly missing (an unmounted disk, a folder being moved), and git would then refuse to use it.
 */
export async function pruneOverseerWorktrees(repoTop: string, commonDir: string): Promise<void> {
  const admin = path.join(commonDir, 'worktrees');
  const names = await readdir(admin).catch(() => [] as string[]);
  for (const name of names) {
    // `gitdir` holds the absolute path of the worktree's `.git` file.
    const gitFile = (await readFile(path.join(admin, name, 'gitdir'), 'utf8').catch(() => '')).trim();
    if (!gitFile) continue;
    const folder = path.dirname(path.resolve(gitFile));
    if (!isInside(folder, overseerDir(repoTop)) || existsSync(folder)) continue;
    await rm(path.join(admin, name), { recursive: true, force: true });
  }
}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n').find((l) => l.trim()) ?? msg;
}

/** Escapes a literal for `git log --grep` (basic regular expressions). */
export function grepLiteral(text: string): string {
  return text.replace(/[\\^$.*[\]]/g, '\\$&');
}
