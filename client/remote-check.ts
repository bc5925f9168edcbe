/**
 * The check before an epic on a git remote (`repo.url`) starts, so bad input starts nothing: `git ls-remote`
 * reaches the URL, is let in, and finds the target branch. Each failure names the URL and, where it is the
 * culprit, the branch. Git runs without prompts (no terminal to answer them), with this machine's own credentials.
 */
import { execFile } from 'node:child_process';
import type { EpicPlan } from '../common/plan';
import { PlanError } from '../common/plan-schema';
import { displayUrl, remoteUrlProblem } from '../common/remote-url';

export interface LsRemoteResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

const AUTH_REFUSED =
  /authentication failed|permission denied|could not read (username|password)|terminal prompts disabled|access denied|HTTP (error )?40[13]|returned error: 40[13]|invalid credentials|unauthorized|forbidden/i;

/** Runs `git ls-remote --heads <url>` without prompts; never throws. */
export function lsRemote(url: string, timeoutMs = 30_000): Promise<LsRemoteResult> {
  const env = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'true',
    SSH_ASKPASS: 'true',
    // BatchMode: ssh fails instead of asking for a password or a host key; a user's own GIT_SSH_COMMAND wins.
    GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes -o ConnectTimeout=15',
  };
  return new Promise((resolve) => {
    execFile('git', ['ls-remote', '--heads', '--', url], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const timedOut = err && (err as NodeJS.ErrnoException & { killed?: boolean }).killed;
      resolve({ ok: !err, stdout: String(stdout), stderr: timedOut ? `no answer within ${timeoutMs / 1000}s` : String(stderr || (err?.message ?? '')) });
    });
  });
}

/** The branch names of an `ls-remote --heads` listing. */
export function headsOf(listing: string): string[] {
  return listing
    .split('\n')
    .map((l) => l.split('\t')[1] ?? '')
    .filter((ref) => ref.startsWith('refs/heads/'))
    .map((ref) => ref.slice('refs/heads/'.length));
}

/** The first meaningful line of git's complaint, without its `fatal: ` prefix. */
function gitReason(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const main = lines.find((l) => /^fatal:/.test(l)) ?? lines[0] ?? 'git ls-remote failed';
  return main.replace(/^fatal:\s*/, '');
}

/** The problem with a remote's answer, or undefined when the target branch is there. */
export function remoteProblem(url: string, targetBranch: string, result: LsRemoteResult): string | undefined {
  const shown = displayUrl(url);
  if (!result.ok) {
    const reason = gitReason(result.stderr);
    if (AUTH_REFUSED.test(result.stderr) && !/not exported/i.test(result.stderr)) {
      return `repo.url: ${shown} refused authentication (${reason}); git uses this machine's own credentials (ssh keys, a credential helper, ~/.netrc), and every worker host needs them too`;
    }
    return `repo.url: cannot reach ${shown} (${reason})`;
  }
  const heads = headsOf(result.stdout);
  if (!heads.includes(targetBranch)) {
    return `repo.targetBranch: branch "${targetBranch}" does not exist on ${shown} (branches: ${heads.join(', ') || 'none'})`;
  }
  return undefined;
}

/** Throws `PlanError` when the plan's remote cannot be used; the notes worth a word otherwise. */
export async function checkRemote(plan: EpicPlan & { repo: { url: string } }, where: string): Promise<string[]> {
  const bad = remoteUrlProblem(plan.repo.url);
  if (bad) throw new PlanError(where, [bad]);
  const problem = remoteProblem(plan.repo.url, plan.repo.targetBranch, await lsRemote(plan.repo.url));
  if (problem) throw new PlanError(where, [problem]);
  return [];
}
