/** What a workflow's history says: the messages it was sent, and the JSON payloads its events carry. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';

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

type Payloads = { payloads?: unknown[] | null } | null | undefined;
/** One payload as the SDK's default converter reads it (JSON, or null for a payload without data). */
export const decodePayload = <T>(payload: unknown): T => defaultPayloadConverter.fromPayload<T>(payload as Payload);

/** Every payload of an event's input, result or details. */
export function allPayloads(p: Payloads): unknown[] {
  return (p?.payloads ?? []).map((x) => decodePayload(x));
}

/** The first payload of an event's input, result or details (undefined when there is none). */
export function firstPayload<T = unknown>(p: Payloads): T | undefined {
  const first = p?.payloads?.[0];
  return first ? decodePayload<T>(first) : undefined;
}
