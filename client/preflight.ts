/**
 * Checks before an epic starts, so bad input starts nothing: the repository exists and is a git repository, the
 * target branch exists (on a remote: `git ls-remote` reaches it, is let in and lists the branch). Things that will not stop the run but deserve a word come back as notes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import type { EpicPlan } from '../common/plan';
import { PlanError } from '../common/plan-schema';
import { sourceNotes } from './importers/describe-source';
import { checkRemote } from './remote-check';

export async function checkRepository(plan: EpicPlan): Promise<string[]> {
  const where = plan.source && 'file' in plan.source && plan.source.file ? plan.source.file : plan.epicId;
  if (plan.repo.url !== undefined) return [...sourceNotes(plan), ...(await checkRemote({ ...plan, repo: { ...plan.repo, url: plan.repo.url } }, where))];
  const repo = plan.repo.path;
  if (!existsSync(repo)) throw new PlanError(where, [`repo.path: ${repo} does not exist`]);
  const g = simpleGit({ baseDir: repo });
  if (!(await g.checkIsRepo())) throw new PlanError(where, [`repo.path: ${repo} is not a git repository`]);
  const branches = await g.branchLocal();
  if (!branches.all.includes(plan.repo.targetBranch)) {
    throw new PlanError(where, [`repo.targetBranch: branch "${plan.repo.targetBranch}" does not exist in ${repo} (branches: ${branches.all.join(', ') || 'none'})`]);
  }
  const notes: string[] = sourceNotes(plan);
  const top = path.resolve(await g.revparse(['--show-toplevel']));
  if (branches.current === plan.repo.targetBranch) {
    const dirty = (await g.status()).files.filter((f) => f.index !== '?' || f.working_dir !== '?');
    notes.push(
      dirty.length
        ? `${plan.repo.targetBranch} is checked out at ${top} with uncommitted changes: merges will wait until they are committed or stashed (Overseer never moves a branch under uncommitted work).`
        : `${plan.repo.targetBranch} is checked out at ${top}: each merge will bring that checkout along, as long as it stays clean.`,
    );
  }
  return notes;
}
