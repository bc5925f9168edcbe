/**
 * Activities that talk to Temporal itself. Workflow code has no signal-with-start, so an item reaches its
 * repository's merge queue through this activity (DESIGN §2, step 6).
 */
import type { Client } from '@temporalio/client';
import { enqueueSignal } from '../common/api';
import { mergeQueueWorkflowId, repoKey, TASK_QUEUE } from '../common/ids';
import type { MergeRequest } from '../common/merge';
import { openRepo } from './git-repo';

export function createQueueActivities(client: Client) {
  return {
    /** Signal-with-start of `merge-queue/<repoKey>`; a repeated request is deduplicated by the queue. */
    async enqueueMerge(req: MergeRequest): Promise<{ queueWorkflowId: string }> {
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
