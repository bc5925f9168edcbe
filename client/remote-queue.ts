/**
 * The merge queue of a git remote (issue 12), as `overseer queue <url>` finds it: one per URL and target branch,
 * `merge-queue/<name>-<branch>-<hash of URL and branch>` (common/ids.ts remoteQueueKey), so the URL is the one the
 * plan gave, written the same way.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { mergeQueueWorkflowId, remoteQueueKey, remoteRepoName } from '../common/ids';
import { displayUrl } from '../common/remote-url';

/** Whether `repo` names a git remote rather than a checkout: `scheme://...`, scp-like `[user@]host:path`, or a bare repository. */
export function isRemoteArgument(repo: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo)) return true;
  // git's own rule: a colon before any slash is a host (one letter before it is a Windows drive).
  if (/^([^@/\\:]+@)?[^/\\:]{2,}:/.test(repo) && !existsSync(repo)) return true;
  return existsSync(repo) && isBareRepository(repo);
}

function isBareRepository(dir: string): boolean {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--is-bare-repository'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'true';
  } catch {
    return false;
  }
}

export function remoteQueueWorkflowId(url: string, targetBranch: string): string {
  return mergeQueueWorkflowId(remoteQueueKey(url, targetBranch));
}

/**
 * The remote queues on the server for a repository of the same name (another branch, or the URL written another
 * way), with what they serve (their summary: `merge queue of <url> (<branch>)`): what a person may have meant.
 */
export async function queuesOfRemotesNamedLike(client: Client, url: string, limit = 10): Promise<string[]> {
  const prefix = mergeQueueWorkflowId(`${remoteRepoName(url)}-`);
  const seen = new Map<string, string>();
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'mergeQueueWorkflow'` })) {
    if (!wf.workflowId.startsWith(prefix) || seen.has(wf.workflowId)) continue;
    const summary = await client.workflow.getHandle(wf.workflowId).describe().then((d) => d.staticSummary(), () => undefined);
    seen.set(wf.workflowId, summary ?? wf.workflowId);
    if (seen.size >= limit) break;
  }
  return [...seen.values()];
}

/** Why there is nothing to show for `url`, naming it, its branch and the workflow looked for. */
export function noRemoteQueueMessage(url: string, targetBranch: string, workflowId: string, similar: string[]): string {
  const lines = [
    `no merge queue for ${displayUrl(url)} (target branch ${targetBranch}; no workflow ${workflowId} on this server): ` +
      `one starts with the first merge of an epic whose plan has that repo.url, written exactly so, and that targetBranch`,
  ];
  if (similar.length) lines.push('queues of a repository by that name (`--target <branch>` names another branch):', ...similar.map((s) => `  ${s}`));
  return lines.join('\n');
}
