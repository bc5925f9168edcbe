/** The snapshots the page shows and the live feed pushes: the epics list, and one epic with its questions and queue. */
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { queueStatusQuery } from '../../common/api';
import type { MergeQueueStatus } from '../../common/merge';
import type { EpicStatus, Question } from '../../common/status';
import { queueWorkflowIdFor } from '../actions/queue';
import { remoteQueueWorkflowId } from '../remote-queue';
import { epicStatus, listEpics, withTimeout, type EpicSummary } from './epics';
import { redact } from './transcript';
import { sharedQuery } from './queries';

export interface QueueView {
  workflowId: string;
  running: boolean;
  status?: MergeQueueStatus;
  note?: string;
}

export interface EpicSnapshot {
  status: EpicStatus;
  questions: Question[];
  queue?: QueueView;
}

const queueIds = new Map<string, Promise<string>>();

function queueIdFor(repoPath: string): Promise<string> {
  let id = queueIds.get(repoPath);
  if (!id) {
    id = queueWorkflowIdFor(repoPath).then((q) => q.workflowId);
    id.catch(() => queueIds.delete(repoPath));
    queueIds.set(repoPath, id);
  }
  return id;
}

/** The repository's merge queue (the `queue` query), or why there is none to show; a remote's by its URL and branch. */
export async function queueView(client: Client, repoPath: string, remote?: { url: string; targetBranch: string }): Promise<QueueView | undefined> {
  let workflowId: string;
  try {
    workflowId = remote ? remoteQueueWorkflowId(remote.url, remote.targetBranch) : await queueIdFor(repoPath);
  } catch {
    return undefined; // the repository is not on this machine
  }
  const handle = client.workflow.getHandle(workflowId);
  try {
    const running = (await handle.describe()).status.name === 'RUNNING';
    const status = await withTimeout(sharedQuery(client, workflowId, queueStatusQuery), 3000, 'the merge queue');
    return { workflowId, running, status };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { workflowId, running: false, note: 'no merge queue has run for this repository yet' };
    return { workflowId, running: false, note: (err as Error).message };
  }
}

/** The epic's status without anything read from a transcript (only the paths, which the panel asks for by index). */
export async function epicSnapshot(client: Client, epicId: string): Promise<EpicSnapshot> {
  const status = await epicStatus(client, epicId);
  // Details carry gate output tails: masked like transcripts.
  const items = status.items.map((i) => ({ ...i, detail: i.detail && redact(i.detail), history: undefined, transcripts: i.transcripts?.map((t) => path.basename(t)) }));
  const questions = status.items.map((i) => i.pendingQuestion).filter((q): q is Question => Boolean(q && q.answer === undefined && !q.timedOut));
  const remote = status.repoUrl === undefined ? undefined : { url: status.repoUrl, targetBranch: status.targetBranch };
  return { status: { ...status, items }, questions, queue: await queueView(client, status.repoPath, remote) };
}

export function epicsSnapshot(client: Client): Promise<EpicSummary[]> {
  return listEpics(client);
}

/** A feed topic: `epics`, or `epic:<epicId>`. */
export function fetchTopic(client: Client, topic: string): Promise<unknown> {
  if (topic === 'epics') return epicsSnapshot(client);
  if (topic.startsWith('epic:')) return epicSnapshot(client, topic.slice(5));
  return Promise.reject(new Error(`unknown topic ${topic}`));
}
