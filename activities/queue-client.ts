/**
 * Activities that talk to Temporal itself. Workflow code has no signal-with-start, so an item reaches its
 * repository's merge queue through this activity (DESIGN §2, step 6).
 */
import type { Client } from '@temporalio/client';
import { enqueueSignal } from '../common/api';
import { mergeQueueWorkflowId, remoteQueueKey, repoKey, TASK_QUEUE } from '../common/ids';
import { displayUrl } from '../common/remote-url';
import type { MergeRequest } from '../common/merge';
import { openRepo } from './git-repo';

export function createQueueActivities(client: Client) {
  return {
    /** Signal-with-start of `merge-queue/<repoKey>`; a repeated request is deduplicated by the queue. */
    async enqueueMerge(req: MergeRequest): Promise<{ queueWorkflowId: string }> {
      if (req.url) {
        // A remote's queue: one per URL and target branch; it merges on whichever host runs its activity.
        const key = remoteQueueKey(req.url, req.targetBranch);
        const workflowId = mergeQueueWorkflowId(key);
        await client.workflow.signalWithStart('mergeQueueWorkflow', {
          workflowId,
          taskQueue: TASK_QUEUE,
          args: [{ repoKey: key, repoPath: req.repoPath }],
          signal: enqueueSignal,
          signalArgs: [req],
          staticSummary: `merge queue of ${displayUrl(req.url)} (${req.targetBranch})`,
        });
        return { queueWorkflowId: workflowId };
      }
      const { top } = await openRepo(req.repoPath);
      const key = repoKey(top);
      const workflowId = mergeQueueWorkflowId(key);
      await client.workflow.signalWithStart('mergeQueueWorkflow', {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [{ repoKey: key, repoPath: top }],
        signal: enqueueSignal,
        signalArgs: [{ ...req, repoPath: top }],
        staticSummary: `merge queue of ${top}`,
      });
      return { queueWorkflowId: workflowId };
    },
  };
}
