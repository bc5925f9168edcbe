/** What a workflow's history says about the messages it was sent. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';

/** Workflow tasks that failed in a workflow's history (a message handler that threw would show here). */
export async function failedTasks(env: TestWorkflowEnvironment, workflowId: string): Promise<string[]> {
  const h = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return (h.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes).map((e) => e.workflowTaskFailedEventAttributes?.failure?.message ?? '?');
}
