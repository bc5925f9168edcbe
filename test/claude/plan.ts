/** Small epics for the real-CLI tier: the shared test plans (test/helpers/epics.ts) run by the pinned `claude`. */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EpicPlan } from '../../common/plan';
import type { EpicResult } from '../../common/status';
import { epicStatusQuery } from '../../common/api';
import { smallPlan, startEpic, type ItemSpec } from '../helpers/epics';
import type { TestSettings } from '../helpers/plans';
import { claudeBinary } from './cli';

export function claudePlan(repo: string, epicId: string, items: ItemSpec[], agent: TestSettings['agent'] = {}, settings: Omit<TestSettings, 'agent'> = {}): EpicPlan {
  return smallPlan(epicId, repo, items, [claudeBinary()], { ...settings, agent });
}

/** Runs an epic to its end, bounded (see awaitEpic). */
export async function runEpic(env: TestWorkflowEnvironment, plan: EpicPlan, timeoutMs = 60_000): Promise<EpicResult> {
  return awaitEpic(await startEpic(env, plan), timeoutMs);
}

/** Waits for an epic's result; one that never ends (an item waiting for a human) is terminated and fails the test. */
export async function awaitEpic(handle: WorkflowHandle, timeoutMs = 60_000): Promise<EpicResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([handle.result() as Promise<EpicResult>, timeout]);
  clearTimeout(timer);
  if (outcome !== 'timeout') return outcome;
  const status = await handle.query(epicStatusQuery).catch((err: Error) => err.message);
  await handle.terminate('test timed out').catch(() => undefined);
  throw new Error(`epic ${handle.workflowId} did not finish in ${timeoutMs} ms; status: ${JSON.stringify(status, null, 1)}`);
}
