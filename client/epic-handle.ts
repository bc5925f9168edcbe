/**
 * Finding an epic's workflow and what state it is in, so every command can say "there is no epic X" or "epic X has
 * ended" instead of the SDK's empty WorkflowNotFoundError.
 */
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import { epicStatusQuery } from '../common/api';
import { epicWorkflowId } from '../common/ids';
import type { EpicResult, EpicStatus } from '../common/status';
import { UserError } from './errors';

export interface EpicRef {
  epicId: string;
  handle: WorkflowHandle;
  /** RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, CONTINUED_AS_NEW. */
  execution: string;
  closedAt?: Date;
  /** The describe it was found with (`overseer status` reads the epic's build from it). */
  description: WorkflowExecutionDescription;
}

export function noSuchEpic(epicId: string): UserError {
  return new UserError(`there is no epic ${epicId} (no workflow ${epicWorkflowId(epicId)} on this server); \`overseer list --all\` shows the epics it knows`);
}

export async function findEpic(client: Client, epicId: string): Promise<EpicRef> {
  const handle = client.workflow.getHandle(epicWorkflowId(epicId));
  try {
    const d = await handle.describe();
    return { epicId, handle, execution: d.status.name, closedAt: d.closeTime, description: d };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw noSuchEpic(epicId);
    throw err;
  }
}

/** For commands that change a run: refuses a closed epic, saying so and how to start it again. */
export async function requireRunningEpic(client: Client, epicId: string): Promise<EpicRef> {
  const ref = await findEpic(client, epicId);
  if (ref.execution !== 'RUNNING') throw endedError(ref);
  return ref;
}

export function endedError(ref: EpicRef): UserError {
  const when = ref.closedAt ? ` at ${ref.closedAt.toISOString().replace(/\.\d+Z$/, 'Z')}` : '';
  return new UserError(
    `epic ${ref.epicId} has ended (${ref.execution.toLowerCase()}${when}), so nothing can change it; start it again with \`overseer run <plan>\` (items already merged are not done twice)`,
  );
}

/** Sends the epic's `status` query without waiting for its describe (for `epicStatus`'s `started`). */
export function startStatusQuery(client: Client, epicId: string): Promise<EpicStatus> {
  const query = client.workflow.getHandle(epicWorkflowId(epicId)).query(epicStatusQuery);
  query.catch(() => undefined); // read, or dropped when the describe says there is no such epic
  return query;
}

/**
 * The epic's status: the `status` query (or the one `startStatusQuery` sent), or, when no worker can answer for a
 * closed epic, its result.
 */
export async function epicStatus(ref: EpicRef, started?: Promise<EpicStatus>): Promise<EpicStatus> {
  try {
    return await (started ?? ref.handle.query(epicStatusQuery));
  } catch (err) {
    if (ref.execution === 'RUNNING') throw new UserError(`epic ${ref.epicId} is running but did not answer its status query (${(err as Error).message || 'no reply'}): is a worker up? \`overseer doctor\` checks`);
    const result = (await ref.handle.result().catch(() => undefined)) as EpicResult | undefined;
    if (!result) throw new UserError(`epic ${ref.epicId} ended (${ref.execution.toLowerCase()}) without a result, and no worker answered its status query`);
    return statusFromResult(result);
  }
}

function statusFromResult(r: EpicResult): EpicStatus {
  return {
    epicId: r.epicId,
    title: r.epicId,
    phase: r.phase,
    repoPath: '',
    targetBranch: '',
    items: r.items.map((i) => ({ itemId: i.itemId, title: '', state: i.state, attempts: i.attempts, costUsd: i.costUsd, mergeCommit: i.mergeCommit })),
    startedAt: 0,
    validationRounds: 0,
    costUsd: r.costUsd,
  };
}
