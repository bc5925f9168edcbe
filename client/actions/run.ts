/** `overseer run <plan>`: validate, check the repository, start `epicWorkflow`, and optionally watch it. */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { AGENT_TASK_QUEUE, epicWorkflowId, TASK_QUEUE } from '../../common/ids';
import type { EpicPlan } from '../../common/plan';
import { OverseerAwaitingHuman, OverseerEpic, OverseerState } from '../../common/search-attributes';
import { loadPlan, type SourceOptions } from '../importers/index';
import { connect, webUiBase, webUiLink } from '../connection';
import { checkRepository } from '../preflight';
import { mergedItems } from '../merged-items';
import { agentPollers, livePollers } from '../workers-check';
import { UserError } from '../errors';
import { epicStaticDetails, summary } from '../../common/ui-details';
import { displayUrl } from '../../common/remote-url';
import { followEpic } from './status';

/** Starts the epic; refuses (with a clear message) when the same epic is already running. */
export async function startEpic(client: Client, plan: EpicPlan): Promise<string> {
  const workflowId = epicWorkflowId(plan.epicId);
  try {
    await client.workflow.start('epicWorkflow', {
      workflowId,
      taskQueue: TASK_QUEUE,
      args: [plan],
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [
        { key: OverseerEpic, value: plan.epicId },
        { key: OverseerState, value: 'running' },
        { key: OverseerAwaitingHuman, value: false },
      ],
      staticSummary: summary(`${plan.title} (${plan.items.length} items, ${plan.repo.url !== undefined ? displayUrl(plan.repo.url) : plan.repo.path})`),
      staticDetails: epicStaticDetails(plan),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new UserError(`epic ${plan.epicId} is already running (${workflowId}); follow it with \`overseer status ${plan.epicId} --watch\`, or see what waits for you with \`overseer inbox\``);
    }
    throw err;
  }
  return workflowId;
}

/** The items the target branch already has (merge commits with their trailer), when that is every item. */
async function everythingMerged(plan: EpicPlan): Promise<Map<string, string> | undefined> {
  if (plan.repo.url !== undefined) return undefined;
  const merged = await mergedItems(plan.repo.path, plan.repo.targetBranch, plan.epicId);
  const todo = plan.items.filter((it) => !it.done && !merged.has(it.id));
  return todo.length === 0 && merged.size > 0 ? merged : undefined;
}

async function warnWithoutWorkers(client: Client): Promise<void> {
  try {
    const [core, agents] = await Promise.all([livePollers(client, TASK_QUEUE, 'workflow'), agentPollers(client)]);
    if (!core.length) console.error(`warning: no worker polls the ${TASK_QUEUE} task queue: the epic will wait until one starts (\`overseer worker\`, or \`overseer dev\`)`);
    else if (!agents.length) console.error(`warning: no worker serves the agents' queue ${AGENT_TASK_QUEUE}: items will wait for one (\`overseer worker --queues agents\`)`);
  } catch {
    /* an older server without describeTaskQueue: say nothing */
  }
}

export async function runCommand(source: string | undefined, opts: SourceOptions & { watch?: boolean }): Promise<void> {
  const plan = await loadPlan(source, opts);
  const notes = await checkRepository(plan);
  for (const n of notes) console.error(`note: ${n}`);
  const merged = await everythingMerged(plan);
  if (merged) {
    console.log(`every item of epic ${plan.epicId} is already merged into ${plan.repo.targetBranch} (${plan.repo.path}); nothing to start.`);
    for (const it of plan.items) console.log(`  ${it.id.padEnd(14)} ${it.done ? 'done in its source' : `merged ${merged.get(it.id)!.slice(0, 10)}`}`);
    return;
  }
  const { client, connection, namespace, address } = await connect();
  try {
    await warnWithoutWorkers(client);
    const workflowId = await startEpic(client, plan);
    console.log(`started ${workflowId} (${plan.items.length} items on ${plan.repo.url !== undefined ? displayUrl(plan.repo.url) : plan.repo.path} → ${plan.repo.targetBranch})`);
    console.log(`Web UI: ${webUiLink(workflowId, namespace, webUiBase(address))}`);
    if (!opts.watch) {
      console.log(`follow it with \`overseer status ${plan.epicId} --watch\``);
      return;
    }
    process.exitCode = await followEpic(client, plan.epicId);
  } finally {
    await connection.close();
  }
}
