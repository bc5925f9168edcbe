/**
 * The council's role prompts as the target branch has them when an epic starts (issue 11 point 6): read once
 * and fixed for the epic, so a change merged by one item cannot rewrite the reviewer's instructions for the
 * next. `git show <target>:.claude/agents/<role>.md`, then `<target>:agents/<role>.md`, then ours.
 *
 * Not registered yet: the activity list (activities/index.ts) and the runner's use of a given prompt
 * (activities/agent/runner.ts) belong to the activities' owners.
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
