/**
 * `overseer queue [<repo>]` and `overseer queue <url> [--target <branch>]`: a repository's or a git remote's merge
 * queue — the merge under way, the waiting requests, the last results.
 */
import path from 'node:path';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { simpleGit } from 'simple-git';
import { queueStatusQuery } from '../../common/api';
import { mergeQueueWorkflowId, repoKey } from '../../common/ids';
import type { MergeQueueStatus } from '../../common/merge';
import { displayUrl, remoteUrlProblem } from '../../common/remote-url';
import { withClient } from '../connection';
import { UserError } from '../errors';
import { isRemoteArgument, noRemoteQueueMessage, queuesOfRemotesNamedLike, remoteQueueWorkflowId } from '../remote-queue';

/** The key the queue is started under: the top level as `git rev-parse --show-toplevel` prints it (see enqueueMerge). */
export async function queueWorkflowIdFor(repo: string): Promise<{ top: string; workflowId: string }> {
  let top: string;
  try {
    top = (await simpleGit({ baseDir: path.resolve(repo) }).raw(['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new UserError(`${path.resolve(repo)} is not a git repository (a git remote's queue: overseer queue <url> [--target <branch>])`);
  }
  return { top, workflowId: mergeQueueWorkflowId(repoKey(top)) };
}

/** The queue's status, or undefined when no queue runs for the repository. */
export async function queueStatus(client: Client, repo: string): Promise<{ status: MergeQueueStatus; running: boolean } | undefined> {
  return statusOf(client, (await queueWorkflowIdFor(repo)).workflowId);
}

async function statusOf(client: Client, workflowId: string): Promise<{ status: MergeQueueStatus; running: boolean } | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    const running = (await handle.describe()).status.name === 'RUNNING';
    return { status: await handle.query(queueStatusQuery), running };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
}

/** `what`: the repository as a person names it (a remote: its URL and target branch). */
export function formatQueue(q: MergeQueueStatus, running: boolean, now = Date.now(), what = q.repoPath): string {
  const lines = [`merge queue for ${what}${running ? '' : ' (not running: it ended when idle; the next merge starts it again)'}`];
  if (q.current) {
    const r = q.current.request;
    lines.push(`merging:  ${r.itemId} (epic ${r.epicId}) ${r.branch} → ${r.targetBranch}, for ${ago(now - q.current.since)}`);
    if (q.current.note) lines.push(`          held: ${q.current.note}`);
    if (q.batch && q.batch.itemIds.length > 1) {
      lines.push(`batch:    ${q.batch.itemIds.join(', ')} (${q.batch.itemIds.length} under test together${q.batch.bisecting ? ', seeking the culprit of a red batch' : `; batch size ${q.batch.size}`})`);
    }
  } else lines.push('merging:  nothing');
  lines.push(`waiting:  ${q.waiting.length ? '' : 'none'}`.trimEnd());
  q.waiting.forEach((r, i) => lines.push(`  ${i + 1}. ${r.itemId} (epic ${r.epicId}) ${r.branch} → ${r.targetBranch}`));
  lines.push(`recent:   ${q.recent.length ? '' : 'none'}`.trimEnd());
  for (const r of [...q.recent].reverse()) {
    const took = ((r.at - r.startedAt) / 1000).toFixed(1);
    lines.push(`  ${ago(now - r.at)} ago  ${r.itemId} (epic ${r.epicId}) ${r.outcome}${r.commit ? ` ${r.commit.slice(0, 10)}` : ''} in ${took}s`);
  }
  return lines.join('\n');
}

export async function queueCommand(repo: string, opts: { json?: boolean; target?: string }): Promise<void> {
  if (isRemoteArgument(repo)) return remoteQueueCommand(repo, opts.target ?? 'main', opts);
  const { top, workflowId } = await queueWorkflowIdFor(repo);
  if (opts.target !== undefined) {
    throw new UserError(`--target is for a git remote's queue (one per URL and branch); ${top} has one queue for every branch: overseer queue ${repo}`);
  }
  await withClient(async ({ client }) => {
    const q = await queueStatus(client, repo);
    if (!q) return console.log(`No merge queue runs for ${top} (no workflow ${workflowId}); one starts with the first merge of an epic there.`);
    print(workflowId, q, opts, top);
  });
}

/** `overseer queue <url> [--target <branch>]`: the queue a plan with `repo: { url, targetBranch }` merges through. */
async function remoteQueueCommand(url: string, targetBranch: string, opts: { json?: boolean }): Promise<void> {
  const bad = remoteUrlProblem(url);
  if (bad) throw new UserError(bad.replace(/^repo\.url: /, ''));
  const workflowId = remoteQueueWorkflowId(url, targetBranch);
  await withClient(async ({ client }) => {
    const q = await statusOf(client, workflowId);
    if (!q) throw new UserError(noRemoteQueueMessage(url, targetBranch, workflowId, await queuesOfRemotesNamedLike(client, url)));
    print(workflowId, q, opts, `${displayUrl(url)} (target branch ${targetBranch})`);
  });
}

function print(workflowId: string, q: { status: MergeQueueStatus; running: boolean }, opts: { json?: boolean }, what: string): void {
  console.log(opts.json ? JSON.stringify({ workflowId, running: q.running, ...q.status }, null, 2) : formatQueue(q.status, q.running, Date.now(), what));
}
