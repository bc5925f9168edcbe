/** A large chained epic with the instant simulated agent, and the history size of every workflow run it made. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EpicResult } from '../../common/status';
import type { WorkItem } from '../../common/plan';
import { makeRepo, merges } from './repo';
import { fakeAgent } from './agent';
import { item, smallPlan, startEpic } from './epics';

export interface LargeEpicRun {
  result: EpicResult;
  seconds: number;
  merged: number;
  mergeCommits: number;
  runs: number;
  epicRuns: number;
  queueRuns: number;
  largestHistory: number;
  largestByType: Record<string, number>;
}

export async function runLargeEpic(env: TestWorkflowEnvironment, n: number, epicId: string): Promise<LargeEpicRun> {
  const repo = makeRepo(epicId);
  const agent = fakeAgent({});
  // Chains of ten: item k depends on item k-1 within its chain, so dispatch follows the DAG all along.
  const items: WorkItem[] = [];
  for (let i = 0; i < n; i++) items.push(item(`i${i}`, i % 10 === 0 ? [] : [`i${i - 1}`]));
  const plan = smallPlan(epicId, repo, items, agent.command, { maxParallel: 8, review: { enabled: false, maxRounds: 1 } });
  const started = Date.now();
  const result = (await (await startEpic(env, plan)).result()) as EpicResult;
  const seconds = (Date.now() - started) / 1000;
  let runs = 0;
  let epicRuns = 0;
  let queueRuns = 0;
  let largestHistory = 0;
  const largestByType: Record<string, number> = {};
  for await (const wf of env.client.workflow.list()) {
    const isQueue = wf.workflowId.startsWith('merge-queue/');
    if (!wf.workflowId.startsWith(`epic/${epicId}`) && !isQueue) continue;
    runs++;
    if (wf.workflowId === `epic/${epicId}`) epicRuns++;
    if (isQueue) queueRuns++;
    largestHistory = Math.max(largestHistory, wf.historyLength);
    largestByType[wf.type] = Math.max(largestByType[wf.type] ?? 0, wf.historyLength);
  }
  return {
    result,
    seconds,
    merged: result.items.filter((i) => i.state === 'merged').length,
    mergeCommits: merges(repo).length,
    runs,
    epicRuns,
    queueRuns,
    largestHistory,
    largestByType,
  };
}
