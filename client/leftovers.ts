/** Item branches and worktrees an ended epic left in its repository, with the command that removes them. */
import { existsSync } from 'node:fs';
import { simpleGit } from 'simple-git';
import { safeComponent } from '../common/ids';
import type { EpicStatus } from '../common/status';

const ENDED = ['completed', 'failed', 'cancelled'];

export async function leftoverBranches(repoPath: string, epicId: string): Promise<string[]> {
  if (!repoPath || !existsSync(repoPath)) return [];
  try {
    const out = await simpleGit({ baseDir: repoPath }).raw(['for-each-ref', '--format=%(refname:short)', `refs/heads/overseer/${safeComponent(epicId)}/`]);
    return out.split('\n').map((l) => l.trim()).filter(Boolean);
  } catch {
    return [];
  }
}

/** A note naming the leftovers of an ended epic and how to remove them; undefined when there are none. */
export async function leftoverBranchesNote(status: EpicStatus): Promise<string | undefined> {
  if (!ENDED.includes(status.phase)) return undefined;
  const branches = await leftoverBranches(status.repoPath, status.epicId);
  if (!branches.length) return undefined;
  const worktrees = status.items.map((i) => i.worktree).filter((w): w is string => Boolean(w) && existsSync(w!));
  const lines = [`epic ${status.epicId} left ${branches.length} item branch${branches.length === 1 ? '' : 'es'} in ${status.repoPath}: ${branches.join(', ')}`];
  for (const w of worktrees) lines.push(`  remove worktree: git -C ${status.repoPath} worktree remove --force ${w}`);
  lines.push(`  remove branches: git -C ${status.repoPath} branch -D ${branches.join(' ')}`);
  return lines.join('\n');
}
