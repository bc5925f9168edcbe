/** Who is at the keyboard: recorded as `answeredBy` / `approvedBy`. $USER, then git's user.name. */
import { execFileSync } from 'node:child_process';

export function personName(env: NodeJS.ProcessEnv = process.env): string {
  if (env.USER?.trim()) return env.USER.trim();
  try {
    const name = execFileSync('git', ['config', 'user.name'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    if (name) return name;
  } catch {
    /* no git or no name */
  }
  return env.LOGNAME?.trim() || 'someone at the CLI';
}
