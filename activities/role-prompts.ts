/**
 * The council's role prompts as the target branch has them when an epic starts (issue 11 point 6): read once
 * and fixed for the epic, so a change merged by one item cannot rewrite the reviewer's instructions for the
 * next. `git show <target>:.claude/agents/<role>.md`, then `<target>:agents/<role>.md`, then ours.
 *
 * The epic resolves the target branch to a commit once (`councilPromptsCommit`, only the sha goes into history)
 * and every council session of the epic reads its role from that commit (`readCouncilPrompt`, in the runner).
 * A plan on a git remote (issue 12) resolves it on a worker's mirror of the remote (`remoteCouncilPromptsCommit`);
 * its sessions read it from their host's cache clone, which fetches the commit first when it does not have it.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import { displayUrl } from '../common/remote-url';
import { BUILTIN_AGENTS_DIR } from './agent/prompts';
import { git } from './git-repo';
import { syncMirror } from './remote-merge';

const run = promisify(execFile);

/** The roles whose instructions judge other sessions' work. */
export const COUNCIL_ROLES = ['peer-reviewer', 'tech-lead', 'product-manager'] as const;

export interface RolePrompt {
  text: string;
  /** Where it came from: `<target>:<path>` or the built-in file. */
  source: string;
}

function body(markdown: string): string {
  return markdown.replace(/^\uFEFF?---\r?\n[\s\S]*?\r?\n---[ \t]*(\r?\n|$)/, '').trim();
}

async function showAt(repoPath: string, rev: string, file: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['-C', repoPath, 'show', `${rev}:${file}`], { maxBuffer: 4 * 1024 * 1024 });
    return stdout;
  } catch {
    return undefined; // no such file on that branch
  }
}

/** The target branch's commit as the epic starts: the council's instructions are read from it for the whole epic. */
export async function councilPromptsCommit(input: { repoPath: string; targetBranch: string }): Promise<string> {
  const { stdout } = await run('git', ['-C', input.repoPath, 'rev-parse', '--verify', `${input.targetBranch}^{commit}`]);
  return stdout.trim();
}

/** The target's commit on a git remote as the epic starts, asked of this worker's mirror of it (fetched now). */
export async function remoteCouncilPromptsCommit(workdir: string, input: { url: string; targetBranch: string }): Promise<string> {
  const mirror = await syncMirror(workdir, input.url);
  try {
    return await councilPromptsCommit({ repoPath: mirror, targetBranch: input.targetBranch });
  } catch {
    throw ApplicationFailure.nonRetryable(`branch "${input.targetBranch}" does not exist on ${displayUrl(input.url)}`, 'BranchNotFound');
  }
}

/**
 * A host's cache clone of a remote may lack the epic's commit (the clone was fetched before the epic started): it
 * is fetched from the clone's origin. Only bare clones (a host's, issue 12) fetch; a local repository is never
 * fetched into (without the commit, its roles fall back to ours, as before).
 */
async function ensureCommit(repoPath: string, commit: string): Promise<void> {
  const g = git(repoPath);
  const answer = (args: string[]) => g.raw(args).catch(() => undefined);
  if ((await answer(['cat-file', '-t', commit])) === 'commit') return;
  if ((await answer(['rev-parse', '--is-bare-repository'])) !== 'true' || !(await answer(['config', '--get', 'remote.origin.url']))) return;
  // By its sha (protocol v2 lets a client ask for any commit), else everything the remote's branches hold.
  if ((await answer(['fetch', '--quiet', 'origin', commit])) === undefined) await answer(['fetch', '--quiet', 'origin']);
}

/** One council role's prompt as it was at `commit` (the repository's own, else ours); other roles: undefined. */
export async function readCouncilPrompt(role: string, repoPath: string, commit: string): Promise<RolePrompt | undefined> {
  if (!(COUNCIL_ROLES as readonly string[]).includes(role)) return undefined;
  await ensureCommit(repoPath, commit);
  for (const file of [`.claude/agents/${role}.md`, `agents/${role}.md`]) {
    const text = await showAt(repoPath, commit, file);
    if (text !== undefined) return { text: body(text), source: `${commit.slice(0, 10)}:${file}` };
  }
  const file = path.join(BUILTIN_AGENTS_DIR, `${role}.md`);
  return { text: body(await readFile(file, 'utf8')), source: file };
}

export async function readRolePrompts(input: { repoPath: string; targetBranch: string }): Promise<Record<string, RolePrompt>> {
  const out: Record<string, RolePrompt> = {};
  // The branch as a commit, once: every role is read from the same tree even if the branch moves meanwhile.
  const { stdout } = await run('git', ['-C', input.repoPath, 'rev-parse', '--verify', `${input.targetBranch}^{commit}`]);
  const commit = stdout.trim();
  for (const role of COUNCIL_ROLES) {
    for (const file of [`.claude/agents/${role}.md`, `agents/${role}.md`]) {
      const text = await showAt(input.repoPath, commit, file);
      if (text !== undefined) {
        out[role] = { text: body(text), source: `${input.targetBranch}@${commit.slice(0, 10)}:${file}` };
        break;
      }
    }
    if (!out[role]) {
      const file = path.join(BUILTIN_AGENTS_DIR, `${role}.md`);
      out[role] = { text: body(await readFile(file, 'utf8')), source: file };
    }
  }
  return out;
}
