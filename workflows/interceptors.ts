/**
 * Workflow interceptors of the bundle (workers/bundle.ts): every activity gets a one-line summary for the Web UI
 * unless its call site gave one. Summaries are metadata on the command: histories recorded without them replay.
 */
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { activitySummary } from '../common/activity-summaries';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      scheduleActivity(input, next) {
        if (input.options.summary) return next(input);
        return next({ ...input, options: { ...input.options, summary: activitySummary(input.activityType, input.args) } });
      },
    },
  ],
});
