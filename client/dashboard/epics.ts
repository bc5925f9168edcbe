/**
 * What the dashboard reads from Temporal: the epics in the visibility store (search attributes), an epic's
 * status query, an item's own status, and the epic's dependency graph (from the run's start input: the plan and
 * the follow-ups carried across continue-as-new).
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { epicStatusQuery, itemStatusQuery } from '../../common/api';
import { epicIdFromWorkflowId, epicWorkflowId, itemWorkflowId } from '../../common/ids';
import type { EpicPlan, WorkItem } from '../../common/plan';
import type { EpicStatus, ItemStatus } from '../../common/status';
import { OverseerAwaitingHuman, OverseerState } from '../../common/search-attributes';
import { sharedQuery } from './queries';

export interface EpicSummary {
  epicId: string;
  workflowId: string;
  title: string;
  /** The epic's phase (status query), or its OverseerState search attribute when no worker answers. */
  phase: string;
  execution: string;
  merged: number;
  total: number;
  costUsd: number;
  awaitingHuman: boolean;
  startedAt?: number;
  /** The program (several epics in one run) that started it, if any. */
  programId?: string;
}

/** A query that gives up after `ms` (a workflow with no live worker never answers). */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000}s (is a worker running?)`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function epicStatus(client: Client, epicId: string): Promise<EpicStatus> {
  return withTimeout(sharedQuery(client, epicWorkflowId(epicId), epicStatusQuery), 5000, `epic ${epicId}`);
}


/** Every epic the visibility store knows (latest run of each), newest first, with its progress. */
export async function listEpics(client: Client, limit = 100): Promise<EpicSummary[]> {
  const rows: EpicSummary[] = [];
  const query = `WorkflowType = 'epicWorkflow' AND ExecutionStatus != 'ContinuedAsNew'`;
  for await (const wf of client.workflow.list({ query, pageSize: limit })) {
    const epicId = epicIdFromWorkflowId(wf.workflowId);
    if (!epicId || rows.some((r) => r.epicId === epicId)) continue;
    const sa = wf.typedSearchAttributes;
    rows.push({
      epicId,
      workflowId: wf.workflowId,
      title: epicId,
      phase: sa.get(OverseerState) ?? wf.status.name.toLowerCase(),
      execution: wf.status.name,
      merged: 0,
      total: 0,
      costUsd: 0,
      awaitingHuman: Boolean(sa.get(OverseerAwaitingHuman)),
      startedAt: wf.startTime.getTime(),
      ...(wf.parentExecution?.workflowId?.startsWith('program/') && { programId: wf.parentExecution.workflowId.slice('program/'.length) }),
    });
    if (rows.length >= limit) break;
  }
  await Promise.all(rows.map((r) => fillProgress(client, r)));
  return rows;
}

async function fillProgress(client: Client, row: EpicSummary): Promise<void> {
  try {
    const s = await withTimeout(sharedQuery(client, row.workflowId, epicStatusQuery), 3000, row.epicId);
    row.title = s.title;
    row.phase = s.phase;
    row.total = s.items.length;
    row.merged = s.items.filter((i) => i.state === 'merged').length;
    row.costUsd = s.costUsd;
  } catch {
    /* no worker to answer: keep what the visibility store says */
  }
}

/** The item's own status (history, transcripts, session) over the epic's entry (the epic owns the state). */
export async function itemDetail(client: Client, epicId: string, itemId: string): Promise<ItemStatus | undefined> {
  const epic = await epicStatus(client, epicId);
  const entry = epic.items.find((i) => i.itemId === itemId);
  if (!entry) return undefined;
  let own: ItemStatus | undefined;
  try {
    own = await withTimeout(sharedQuery(client, itemWorkflowId(epicId, itemId), itemStatusQuery), 3000, itemId);
  } catch {
    /* never started, or no worker: the epic's entry is what there is */
  }
  return { ...own, ...entry, history: own?.history ?? entry.history, transcripts: own?.transcripts ?? entry.transcripts };
}

export interface DagNode {
  id: string;
  title: string;
  dependsOn: string[];
}

/** The epic's items and their dependencies, from the current run's input (plan + carried follow-ups). */
export async function epicDag(client: Client, namespace: string, epicId: string): Promise<{ runId: string; nodes: DagNode[] }> {
  const res = await client.workflowService.getWorkflowExecutionHistory({
    namespace,
    execution: { workflowId: epicWorkflowId(epicId) },
    maximumPageSize: 1,
  });
  const started = res.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error(`epic ${epicId} has no start event`);
  const payloads = started.input?.payloads ?? [];
  const plan = defaultPayloadConverter.fromPayload<EpicPlan>(payloads[0] as never);
  const carry = payloads[1] ? defaultPayloadConverter.fromPayload<{ followUps?: WorkItem[] } | null>(payloads[1] as never) : undefined;
  const items = [...plan.items, ...(carry?.followUps ?? [])];
  return {
    runId: started.originalExecutionRunId ?? '',
    nodes: items.map((it) => ({ id: it.id, title: it.title, dependsOn: it.dependsOn ?? [] })),
  };
}
