/**
 * Small epics for tests of the human side (questions, council, gates, decisions): plans built in code, polling for
 * a state, and the two command lines a human uses — the real `temporal` binary and `overseer` (bin/overseer.js).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { epicStatusQuery, itemStatusQuery } from '../../common/api';
import { epicWorkflowId, itemWorkflowId, TASK_QUEUE } from '../../common/ids';
import { withDefaultSettings, type EpicPlan, type WorkItem } from '../../common/plan';
import type { EpicStatus, ItemStatus } from '../../common/status';
import { findTemporalCli } from '../../workers/temporal-cli';
import { withAgent, type TestSettings } from './plans';
import { allPayloads } from './history';

const OVERSEER_BIN = fileURLToPath(new URL('../../bin/overseer.js', import.meta.url));

export type ItemSpec = Pick<WorkItem, 'id'> & Partial<WorkItem>;

/** A native plan with the given items (title, description... filled in) on `repo`, run by the simulated agent. */
export function smallPlan(epicId: string, repo: string, items: ItemSpec[], command: string[], settings: TestSettings = {}): EpicPlan {
  const plan: EpicPlan = {
    epicId,
    title: `Test epic ${epicId}`,
    repo: { path: repo, targetBranch: 'main' },
    items: items.map((it) => ({ title: `Item ${it.id}`, description: `Do ${it.id}.`, acceptance: [], dependsOn: [], files: [], ...it })),
    settings: withDefaultSettings({}),
  };
  return withAgent(plan, command, settings);
}

export async function startEpic(env: TestWorkflowEnvironment, plan: EpicPlan) {
  return env.client.workflow.start('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });
}

export function epicStatus(env: TestWorkflowEnvironment, epicId: string): Promise<EpicStatus> {
  return env.client.workflow.getHandle(epicWorkflowId(epicId)).query(epicStatusQuery);
}

export function itemStatus(env: TestWorkflowEnvironment, epicId: string, itemId: string): Promise<ItemStatus> {
  return env.client.workflow.getHandle(itemWorkflowId(epicId, itemId)).query(itemStatusQuery);
}

/** Polls until `probe` returns something truthy; fails with `what` and the last value seen. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** An item of the epic in one of `states` (from the epic's status query). */
export function waitForItem(env: TestWorkflowEnvironment, epicId: string, itemId: string, states: string[], extra: (s: ItemStatus) => boolean = () => true) {
  return waitFor(`${itemId} in ${states.join('|')}`, async () => {
    const s = (await epicStatus(env, epicId)).items.find((i) => i.itemId === itemId);
    return s && states.includes(s.state) && extra(s) ? s : undefined;
  });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** The real `temporal` binary, pointed at the test server. */
export function temporal(env: TestWorkflowEnvironment, ...args: string[]): Promise<CliResult> {
  const cli = findTemporalCli();
  if (cli.kind !== 'path') throw new Error('the temporal CLI is not installed');
  return run(cli.path, [...args, '--address', env.address], process.env);
}

/** `overseer <args>` as a child process, talking to the test server through TEMPORAL_ADDRESS. */
export function overseer(env: TestWorkflowEnvironment, ...args: string[]): Promise<CliResult> {
  return run(process.execPath, [OVERSEER_BIN, ...args], { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace ?? 'default' });
}

/** Workflow ids matching a visibility query, as the `temporal` CLI lists them (JSON output). */
export async function listWorkflowIds(env: TestWorkflowEnvironment, query: string): Promise<string[]> {
  const r = await temporal(env, 'workflow', 'list', '--query', query, '--output', 'json');
  if (r.code !== 0) throw new Error(`temporal workflow list failed: ${r.stderr}`);
  const text = r.stdout.trim();
  if (!text) return [];
  const parsed = JSON.parse(text) as { execution?: { workflowId?: string } }[] | { execution?: { workflowId?: string } };
  return (Array.isArray(parsed) ? parsed : [parsed]).map((w) => w.execution?.workflowId ?? '').filter(Boolean);
}

/** Signal events of a workflow's history: name and decoded JSON input. */
export async function signalsIn(env: TestWorkflowEnvironment, workflowId: string): Promise<{ name: string; input: unknown[] }[]> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const out: { name: string; input: unknown[] }[] = [];
  for (const e of history.events ?? []) {
    const a = e.workflowExecutionSignaledEventAttributes;
    if (!a) continue;
    out.push({ name: a.signalName ?? '', input: allPayloads(a.input) });
  }
  return out;
}

/** A work item with everything but its id and dependencies defaulted. */
export function item(id: string, dependsOn: string[] = [], extra: Partial<WorkItem> = {}): WorkItem {
  return { id, title: `Item ${id}`, description: `Do ${id}.`, acceptance: [], dependsOn, files: [], ...extra };
}

/** Polls the epic's status until `pred` holds. */
export function waitForStatus(env: TestWorkflowEnvironment, epicId: string, pred: (s: EpicStatus) => boolean, timeoutMs = 60_000): Promise<EpicStatus> {
  return waitFor(`epic ${epicId} status`, async () => {
    const s = await epicStatus(env, epicId);
    return pred(s) ? s : undefined;
  }, timeoutMs);
}

export function stateOf(s: EpicStatus, itemId: string): string {
  return s.items.find((i) => i.itemId === itemId)!.state;
}
