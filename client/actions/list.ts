/**
 * `overseer list [--all] [--json]`: epics (and programs, once a `programWorkflow` exists) from the visibility store,
 * with phase, progress, cost and a mark when a person is needed.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { epicStatusQuery } from '../../common/api';
import { epicIdFromWorkflowId } from '../../common/ids';
import type { EpicResult, EpicStatus } from '../../common/status';
import { OverseerAwaitingHuman, OverseerEpic, OverseerState } from '../../common/search-attributes';
import { withClient } from '../connection';

/** The workflow types `list` shows; a program workflow joins by adding its type here. */
export const LISTED_TYPES = ['epicWorkflow', 'programWorkflow'];

export interface ListedRun {
  id: string;
  kind: 'epic' | 'program';
  workflowId: string;
  execution: string;
  phase: string;
  awaitingHuman: boolean;
  merged?: number;
  total?: number;
  costUsd?: number;
  startedAt?: string;
  closedAt?: string;
}

async function progress(client: Client, wf: WorkflowExecutionInfo): Promise<Pick<ListedRun, 'merged' | 'total' | 'costUsd' | 'phase'> | undefined> {
  const handle = client.workflow.getHandle(wf.workflowId, wf.runId);
  const count = (items: { state: string }[]) => items.filter((i) => i.state === 'merged' || i.state === 'done').length;
  try {
    if (wf.status.name === 'RUNNING') {
      const st: EpicStatus = await handle.query(epicStatusQuery);
      return { merged: count(st.items), total: st.items.length, costUsd: st.costUsd, phase: st.phase };
    }
    if (wf.status.name !== 'COMPLETED') return undefined;
    const r = (await handle.result()) as EpicResult;
    return { merged: count(r.items), total: r.items.length, costUsd: r.costUsd, phase: r.phase };
  } catch {
    return undefined; // no worker to answer: the search attributes still tell the phase
  }
}

export async function listRuns(client: Client, all: boolean): Promise<ListedRun[]> {
  const types = LISTED_TYPES.map((t) => `'${t}'`).join(', ');
  const query = `WorkflowType IN (${types})${all ? ` AND ExecutionStatus != 'ContinuedAsNew'` : ` AND ExecutionStatus = 'Running'`}`;
  const out: ListedRun[] = [];
  for await (const wf of client.workflow.list({ query })) {
    const sa = wf.typedSearchAttributes;
    const kind = wf.type === 'epicWorkflow' ? 'epic' : 'program';
    const p = await progress(client, wf);
    out.push({
      id: sa.get(OverseerEpic) ?? epicIdFromWorkflowId(wf.workflowId) ?? wf.workflowId,
      kind,
      workflowId: wf.workflowId,
      execution: wf.status.name,
      phase: p?.phase ?? sa.get(OverseerState) ?? wf.status.name.toLowerCase(),
      awaitingHuman: wf.status.name === 'RUNNING' && Boolean(sa.get(OverseerAwaitingHuman)),
      ...p,
      startedAt: wf.startTime.toISOString(),
      closedAt: wf.closeTime?.toISOString(),
    });
  }
  return out;
}

export function formatRuns(runs: ListedRun[], all: boolean): string {
  if (!runs.length) return all ? 'no epics on this server' : 'no running epics (`overseer list --all` shows ended ones too)';
  const lines = [`   ${'EPIC'.padEnd(20)} ${'PHASE'.padEnd(15)} ${'MERGED'.padEnd(8)} ${'COST'.padEnd(10)} STARTED`];
  for (const r of runs) {
    const progress = r.total === undefined ? '?' : `${r.merged}/${r.total}`;
    const cost = r.costUsd === undefined ? '?' : `$${r.costUsd.toFixed(4)}`;
    const name = r.kind === 'epic' ? r.id : `${r.id} (program)`;
    lines.push(`${r.awaitingHuman ? ' ! ' : '   '}${name.padEnd(20)} ${r.phase.padEnd(15)} ${progress.padEnd(8)} ${cost.padEnd(10)} ${r.startedAt?.replace(/\.\d+Z$/, 'Z') ?? ''}`);
  }
  if (runs.some((r) => r.awaitingHuman)) lines.push('! waits for you: `overseer inbox`');
  return lines.join('\n');
}

export async function listCommand(opts: { all?: boolean; json?: boolean }): Promise<void> {
  await withClient(async ({ client }) => {
    const runs = await listRuns(client, Boolean(opts.all));
    console.log(opts.json ? JSON.stringify(runs, null, 2) : formatRuns(runs, Boolean(opts.all)));
  });
}
