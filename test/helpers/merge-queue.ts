/** Merge-queue tests: small plans, branches made with plain git, and the queue driven by its own signals. */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { enqueueSignal, queueMergeResultQuery, queueStatusQuery } from '../../common/api';
import { mergeQueueWorkflowId, repoKey, TASK_QUEUE } from '../../common/ids';
import type { MergeQueueStatus, MergeRequest, MergeResult } from '../../common/merge';
import type { MergeQueueInput } from '../../workflows/merge-queue';
import { sh, tempDir } from './repo';

// Small plans and polling are shared with the other e2e tests.
import { waitFor } from './epics';
export { item as workItem, smallPlan as queuePlan, waitFor } from './epics';

/** The repository's top level as git reports it: what the queue is keyed by. */
export function repoTop(repo: string): string {
  return sh(repo, 'rev-parse', '--show-toplevel');
}

export function queueId(repo: string): string {
  return mergeQueueWorkflowId(repoKey(repoTop(repo)));
}

/** Branch `name` off main with one commit writing `files`; the checkout stays where it was. */
export function makeBranch(repo: string, name: string, files: Record<string, string>, from = 'main'): string {
  const wt = tempDir('branch');
  sh(repo, 'worktree', 'add', '-q', '-b', name, wt, from);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(wt, p)), { recursive: true });
    writeFileSync(path.join(wt, p), content);
  }
  sh(wt, 'add', '-A');
  sh(wt, 'commit', '-q', '-m', `work on ${name}`);
  sh(repo, 'worktree', 'remove', '--force', wt);
  return sh(repo, 'rev-parse', name);
}

export function mergeRequest(repo: string, requestId: string, itemId: string, branch: string, extra: Partial<MergeRequest> = {}): MergeRequest {
  return {
    requestId,
    epicId: 'direct',
    itemId,
    title: `Title of ${itemId}`,
    repoPath: repoTop(repo),
    targetBranch: 'main',
    branch,
    replyTo: `nobody/${requestId}`, // no such workflow: the queue tolerates a requester that is gone
    mergeGates: [],
    gateTimeout: '1m',
    holdRetry: '1s',
    ...extra,
  };
}

/** Signal-with-start of the repository's queue, exactly as the `enqueueMerge` activity does it. */
export async function enqueue(env: TestWorkflowEnvironment, req: MergeRequest, input: Partial<MergeQueueInput> = {}) {
  const key = repoKey(req.repoPath);
  return env.client.workflow.signalWithStart('mergeQueueWorkflow', {
    workflowId: mergeQueueWorkflowId(key),
    taskQueue: TASK_QUEUE,
    args: [{ repoKey: key, repoPath: req.repoPath, ...input }],
    signal: enqueueSignal,
    signalArgs: [req],
  });
}

export async function queueStatus(env: TestWorkflowEnvironment, repo: string): Promise<MergeQueueStatus> {
  return env.client.workflow.getHandle(queueId(repo)).query(queueStatusQuery);
}

/** Waits until the queue (its latest run) has a final result for every request id. */
export async function waitForResults(env: TestWorkflowEnvironment, repo: string, requestIds: string[], timeoutMs = 60_000): Promise<MergeResult[]> {
  const handle = env.client.workflow.getHandle(queueId(repo));
  return waitFor(
    `results of ${requestIds.join(', ')}`,
    async () => {
      const results = await Promise.all(requestIds.map((id) => handle.query(queueMergeResultQuery, id)));
      return results.every(Boolean) ? (results as MergeResult[]) : undefined;
    },
    timeoutMs,
  );
}
