/** Starting a program: nothing starts when an epic of the run is already running; the program then starts them all. */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { epicWorkflowId, TASK_QUEUE } from '../../common/ids';
import type { EpicPlan } from '../../common/plan';
import { PlanError } from '../../common/plan-schema';
import { programWorkflowId } from '../../common/program';
import type { LoadedPlan } from './assemble';

/** A fresh program id: the first epic's id, how many epics, and the time (base 36). */
export function newProgramId(plans: EpicPlan[], now = Date.now()): string {
  return `${plans[0].epicId.slice(0, 32)}-${plans.length}-${now.toString(36)}`;
}

/** Refuses the run when one of its epic ids is already running (naming the file). */
export async function assertNoneRunning(client: Client, loaded: LoadedPlan[]): Promise<void> {
  for (const l of loaded) {
    try {
      const d = await client.workflow.getHandle(epicWorkflowId(l.plan.epicId)).describe();
      if (d.status.name === 'RUNNING') {
        throw new PlanError(l.file, [`epicId: epic "${l.plan.epicId}" is already running (${epicWorkflowId(l.plan.epicId)}); follow it with \`overseer status ${l.plan.epicId}\``]);
      }
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
}

export async function startProgram(client: Client, programId: string, epics: EpicPlan[]): Promise<string> {
  const workflowId = programWorkflowId(programId);
  try {
    await client.workflow.start('programWorkflow', {
      workflowId,
      taskQueue: TASK_QUEUE,
      args: [{ programId, epics }],
      workflowIdConflictPolicy: 'FAIL',
      staticSummary: `${epics.length} epics: ${epics.map((e) => e.epicId).join(', ')}`,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new Error(`program ${programId} is already running (${workflowId})`);
    throw err;
  }
  return workflowId;
}
