/**
 * Workflow interceptors of the bundle (workers/bundle.ts): every activity (local ones too) gets a one-line summary
 * for the Web UI unless its call site gave one. Summaries are metadata on the command: histories recorded without
 * them replay.
 */
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { activitySummary } from '../common/activity-summaries';

interface ActivityCall {
  activityType: string;
  args: unknown[];
  options: { summary?: string };
}

function withSummary<I extends ActivityCall, O>(input: I, next: (input: I) => O): O {
  if (input.options.summary) return next(input);
  return next({ ...input, options: { ...input.options, summary: activitySummary(input.activityType, input.args) } });
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [{ scheduleActivity: withSummary, scheduleLocalActivity: withSummary }],
});
