/**
 * programWorkflow (id `program/<programId>`): several epics in one run. It starts every epic as its own
 * `epicWorkflow` with today's id (`epic/<epicId>`, a child that outlives it: ABANDON), then routes cross-epic
 * dependency satisfaction: an epic reports each merged item (`epicItemMerged`), and every epic waiting for it
 * hears `externalDependencyMerged`; when an epic ends without completing, every epic waiting for it hears
 * `externalEpicEnded` and blocks what waited. It ends when every epic has ended; its result is each epic's phase.
 */
import {
  ChildWorkflowCancellationType,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  ParentClosePolicy,
  setHandler,
  startChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { epicWorkflowId, TASK_QUEUE } from '../common/ids';
import { crossKey, dependentEpics, epicItemMergedSignal, epicsWaitingOn, externalDependencyMergedSignal, externalEpicEndedSignal, programStatusQuery, type CrossEpicMerge, type ProgramInput, type ProgramStatus } from '../common/program';
import { OverseerAwaitingHuman, OverseerEpic, OverseerState } from '../common/search-attributes';
import type { EpicPhase, EpicResult } from '../common/status';
import { describe } from './messages';
import { epicWorkflow } from './epic';

export interface ProgramResult {
  programId: string;
  epics: { epicId: string; phase: EpicPhase | 'lost' }[];
}

type Phase = ProgramStatus['epics'][number]['phase'];

export async function programWorkflow(input: ProgramInput): Promise<ProgramResult> {
  const phases: Record<string, Phase> = Object.fromEntries(input.epics.map((e) => [e.epicId, 'starting' as Phase]));
  const merged: Record<string, CrossEpicMerge> = {};
  const toRoute: CrossEpicMerge[] = [];
  setHandler(epicItemMergedSignal, (m) => {
    if (typeof m?.epicId !== 'string' || typeof m.itemId !== 'string') return;
    merged[crossKey(m.epicId, m.itemId)] = m;
    toRoute.push(m);
  });
  setHandler(programStatusQuery, (): ProgramStatus => ({
    programId: input.programId,
    epics: input.epics.map((e) => ({ epicId: e.epicId, workflowId: epicWorkflowId(e.epicId), phase: phases[e.epicId] })),
    merged,
  }));
  const ended = input.epics.map((plan) => runEpic(plan, phases).then(() => tellEnded(input, plan.epicId, phases[plan.epicId])));
  let allEnded = false;
  void Promise.all(ended).finally(() => (allEnded = true));
  await condition(() => input.epics.every((e) => phases[e.epicId] !== 'starting'));
  while (!allEnded || toRoute.length) {
    await condition(() => toRoute.length > 0 || allEnded);
    await route(input, toRoute.splice(0));
  }
  return { programId: input.programId, epics: input.epics.map((e) => ({ epicId: e.epicId, phase: (phases[e.epicId] as EpicPhase) ?? 'lost' })) };
}

/** Starts one epic and records its phase when it ends. */
async function runEpic(plan: ProgramInput['epics'][number], phases: Record<string, Phase>): Promise<void> {
  try {
    const handle = await startChild(epicWorkflow, {
      workflowId: epicWorkflowId(plan.epicId),
      taskQueue: TASK_QUEUE,
      args: [plan],
      // Every epic stays its own workflow: pausing, cancelling or ending the program leaves it alone.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      cancellationType: ChildWorkflowCancellationType.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      typedSearchAttributes: [
        { key: OverseerEpic, value: plan.epicId },
        { key: OverseerState, value: 'running' },
        { key: OverseerAwaitingHuman, value: false },
      ],
      staticSummary: plan.title,
    });
    phases[plan.epicId] = 'running';
    phases[plan.epicId] = ((await handle.result()) as EpicResult).phase;
  } catch (err) {
    log.warn(`epic ${plan.epicId} ended without a result: ${describe(err)}`);
    phases[plan.epicId] = isCancellation(err) ? 'cancelled' : 'failed';
  }
}

/** An epic that ended without completing: every epic waiting for its items is told, and blocks what waits. */
async function tellEnded(input: ProgramInput, epicId: string, phase: Phase): Promise<void> {
  if (phase === 'completed') return;
  for (const waiting of epicsWaitingOn(input.epics, epicId)) {
    try {
      await getExternalWorkflowHandle(epicWorkflowId(waiting)).signal(externalEpicEndedSignal, { epicId, phase: phase ?? 'lost' });
    } catch (err) {
      log.warn(`could not tell epic ${waiting} that ${epicId} ended ${phase}: ${describe(err)}`);
    }
  }
}

/** Each merge goes to every epic that waits for it (an epic that already ended no longer hears it). */
async function route(input: ProgramInput, merges: CrossEpicMerge[]): Promise<void> {
  for (const m of merges) {
    for (const epicId of dependentEpics(input.epics, crossKey(m.epicId, m.itemId))) {
      try {
        await getExternalWorkflowHandle(epicWorkflowId(epicId)).signal(externalDependencyMergedSignal, m);
      } catch (err) {
        log.warn(`could not tell epic ${epicId} that ${crossKey(m.epicId, m.itemId)} merged: ${describe(err)}`);
      }
    }
  }
}
