/**
 * The council's role prompts as the target branch has them when an epic starts (issue 11 point 6): read once
 * and fixed for the epic, so a change merged by one item cannot rewrite the reviewer's instructions for the
 * next. `git show <target>:.claude/agents/<role>.md`, then `<target>:agents/<role>.md`, then ours.
 *
 * The epic resolves the target branch to a commit once (`councilPromptsCommit`, only the sha goes into history)
 * and every council session of the epic reads its role from that commit (`readCouncilPrompt`, in the runner).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BUILTIN_AGENTS_DIR } from './agent/prompts';

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

/** One council role's prompt as it was at `commit` (the repository's own, else ours); other roles: undefined. */
export async function readCouncilPrompt(role: string, repoPath: string, commit: string): Promise<RolePrompt | undefined> {
  if (!(COUNCIL_ROLES as readonly string[]).includes(role)) return undefined;
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
