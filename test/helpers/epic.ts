/** Starting epics in tests and waiting for states. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { epicStatusQuery } from '../../common/api';
import { epicWorkflowId, TASK_QUEUE } from '../../common/ids';
import type { EpicPlan, WorkItem } from '../../common/plan';
import { DEFAULT_SETTINGS } from '../../common/plan';
import type { EpicStatus } from '../../common/status';

export function item(id: string, dependsOn: string[] = [], extra: Partial<WorkItem> = {}): WorkItem {
  return { id, title: `Item ${id}`, description: `Do ${id}.`, acceptance: [], dependsOn, files: [], ...extra };
}

export function smallPlan(epicId: string, repo: string, items: WorkItem[], command: string[], settings: Partial<EpicPlan['settings']> = {}): EpicPlan {
  return {
    epicId,
    title: `Epic ${epicId}`,
    repo: { path: repo, targetBranch: 'main' },
    items,
    settings: {
      ...DEFAULT_SETTINGS,
      ...settings,
      agent: { ...DEFAULT_SETTINGS.agent, command, retryInterval: '200ms', heartbeatTimeout: '30s', ...(settings.agent ?? {}) },
    },
  };
}

export async function startEpic(env: TestWorkflowEnvironment, plan: EpicPlan) {
  return env.client.workflow.start('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });
}

export async function epicStatus(env: TestWorkflowEnvironment, epicId: string): Promise<EpicStatus> {
  return env.client.workflow.getHandle(epicWorkflowId(epicId)).query(epicStatusQuery);
}

/** Polls the epic's status until `pred` holds (or fails after `timeoutMs` with the last status). */
export async function waitForStatus(env: TestWorkflowEnvironment, epicId: string, pred: (s: EpicStatus) => boolean, timeoutMs = 60_000): Promise<EpicStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: EpicStatus | undefined;
  while (Date.now() < deadline) {
    try {
      last = await epicStatus(env, epicId);
      if (pred(last)) return last;
    } catch {
      /* not started yet */
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for epic ${epicId}; last status: ${JSON.stringify(last?.items.map((i) => [i.itemId, i.state, i.detail]))}`);
}

export function stateOf(s: EpicStatus, itemId: string): string {
  return s.items.find((i) => i.itemId === itemId)!.state;
}
