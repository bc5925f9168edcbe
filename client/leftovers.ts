/** Item branches and worktrees an ended epic left in its repository, with the command that removes them. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { safeComponent } from '../common/ids';
import type { EpicStatus } from '../common/status';

const ENDED = ['completed', 'failed', 'cancelled'];

export async function leftoverBranches(repoPath: string, epicId: string): Promise<string[]> {
  if (!repoPath || !existsSync(repoPath)) return [];
  // git itself, not simple-git: `overseer status` waits on this, and simple-git takes some 50 ms more per call here.
  const out = await new Promise<string>((resolve) =>
    execFile('git', ['for-each-ref', '--format=%(refname:short)', `refs/heads/overseer/${safeComponent(epicId)}/`], { cwd: repoPath, timeout: 15_000 }, (err, stdout) =>
      resolve(err ? '' : stdout),
    ),
  );
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
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
