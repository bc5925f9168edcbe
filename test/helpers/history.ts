/** What a workflow's history says about the messages it was sent. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';

const { WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;

/**
 * Workflow tasks that failed in a workflow's history (a message handler that threw would show here). The server's own
 * "UnhandledCommand" is left out: it rejects a task that completes or continues-as-new while a signal is arriving, and
 * the SDK runs the task again with the signal — a race of delivery, not a failure of our code.
 */
export async function failedTasks(env: TestWorkflowEnvironment, workflowId: string): Promise<string[]> {
  const h = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return (h.events ?? [])
    .map((e) => e.workflowTaskFailedEventAttributes)
    .filter((a) => a && a.cause !== WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND)
    .map((a) => a?.failure?.message ?? '?');
}
