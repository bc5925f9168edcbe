/** `overseer run <plan>`: validate, check the repository, start `epicWorkflow`, and optionally watch it. */
import type { Command } from 'commander';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { epicWorkflowId, TASK_QUEUE } from '../../common/ids';
import type { EpicPlan } from '../../common/plan';
import { OverseerAwaitingHuman, OverseerEpic, OverseerState } from '../../common/search-attributes';
import { loadPlan } from '../importers/index';
import { sourceOptions } from './source-options';
import { connect, webUiLink } from '../connection';
import { watchEpic } from '../watch';
import { formatStatus } from '../format';
import { checkRepository } from '../preflight';
import { epicStaticDetails, summary } from '../../common/ui-details';

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
      staticSummary: summary(`${plan.title} (${plan.items.length} items, ${plan.repo.path})`),
      staticDetails: epicStaticDetails(plan),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new Error(`epic ${plan.epicId} is already running (${workflowId}); follow it with \`overseer status ${plan.epicId}\``);
    }
    throw err;
  }
  return workflowId;
}

export function registerRun(program: Command): void {
  sourceOptions(program.command('run').description('validate a plan and start its epic'))
    .option('--watch', 'show live item states until the epic ends; exit 0 only if every item merged')
    .action(async (source: string | undefined, opts) => {
      const plan = await loadPlan(source, opts);
      const notes = await checkRepository(plan);
      for (const n of notes) console.error(`note: ${n}`);
      const { client, connection, namespace } = await connect();
      try {
        const workflowId = await startEpic(client, plan);
        console.log(`started ${workflowId} (${plan.items.length} items on ${plan.repo.path} → ${plan.repo.targetBranch})`);
        console.log(`Web UI: ${webUiLink(workflowId, namespace)}`);
        if (!opts.watch) return;
        const outcome = await watchEpic(client, plan.epicId, (l) => console.log(l));
        console.log(formatStatus(outcome.status));
        process.exitCode = outcome.exitCode;
      } finally {
        await connection.close();
      }
    });
}
