/**
 * programWorkflow (id `program/<programId>`): several epics in one run. It starts every epic as its own
 * `epicWorkflow` with today's id (`epic/<epicId>`, a child that outlives it: ABANDON), then routes cross-epic
 * dependency satisfaction: an epic reports each merged item (`epicItemMerged`), and every epic waiting for it
 * hears `externalDependencyMerged`; when an epic ends without completing, every epic waiting for it hears
 * `externalEpicEnded` and blocks what waited. It ends when every epic has ended; its result is each epic's phase.
 * A long program continues as new (Temporal suggests it, or a new build is current; since 'program-continue-as-new'):
 * the epics go on, and the next run, which no longer holds them as children, waits for each through an activity.
 */
import {
  allHandlersFinished,
  ChildWorkflowCancellationType,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { epicWorkflowId, TASK_QUEUE } from '../common/ids';
import { crossKey, dependentEpics, epicItemMergedSignal, epicsWaitingOn, externalDependencyMergedSignal, externalEpicEndedSignal, programStatusQuery, type CrossEpicMerge, type ProgramInput, type ProgramStatus } from '../common/program';
import { OverseerAwaitingHuman, OverseerEpic, OverseerState } from '../common/search-attributes';
import type { EpicPhase, EpicResult } from '../common/status';
import type { CoreActivities } from '../activities/index';
import { describe } from './messages';
import { epicWorkflow } from './epic';
import { continueAsNewOnCurrentBuild, newRunDue } from './versioning';

export interface ProgramResult {
  programId: string;
  epics: { epicId: string; phase: EpicPhase | 'lost' }[];
}

type Phase = ProgramStatus['epics'][number]['phase'];

/** What a program's next run takes over: each epic's phase, what merged, and merges not yet routed. */
export interface ProgramCarry {
  phases: Record<string, Phase>;
  merged: Record<string, CrossEpicMerge>;
  toRoute: CrossEpicMerge[];
}

/** An epic's end, awaited by a later run (the epic is not its child): heartbeating, as long as an epic may run. */
const { awaitEpicEnd } = proxyActivities<CoreActivities>({
  startToCloseTimeout: '365d',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

export async function programWorkflow(input: ProgramInput, carry?: ProgramCarry): Promise<ProgramResult> {
  const phases: Record<string, Phase> = carry?.phases ?? Object.fromEntries(input.epics.map((e) => [e.epicId, 'starting' as Phase]));
  const merged: Record<string, CrossEpicMerge> = carry?.merged ?? {};
  const toRoute: CrossEpicMerge[] = [...(carry?.toRoute ?? [])];
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
  let telling = 0; // epics' ends being told to the epics that wait for them
  const ended = input.epics.map(async (plan) => {
    if (carry && phases[plan.epicId] !== 'running') return; // ended (and told) in an earlier run
    await (carry ? watchEpic(plan.epicId, phases) : runEpic(plan, phases));
    telling++;
    await tellEnded(input, plan.epicId, phases[plan.epicId]).finally(() => telling--);
  });
  let allEnded = false;
  void Promise.all(ended).finally(() => (allEnded = true));
  await condition(() => input.epics.every((e) => phases[e.epicId] !== 'starting'));
  let stayed = false; // a history from before the patch, replayed: that run did not continue as new
  while (!allEnded || toRoute.length) {
    await condition(() => toRoute.length > 0 || allEnded || (!stayed && newRunDue()));
    await route(input, toRoute.splice(0));
    if (allEnded || stayed || !newRunDue()) continue;
    if (!patched('program-continue-as-new')) {
      stayed = true;
      continue;
    }
    await condition(() => telling === 0 && allHandlersFinished());
    return continueAsNewOnCurrentBuild<typeof programWorkflow>(input, { phases, merged, toRoute });
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

/** An epic started by an earlier run of the program: its end, awaited by an activity. */
async function watchEpic(epicId: string, phases: Record<string, Phase>): Promise<void> {
  try {
    const end = await awaitEpicEnd({ epicId });
    phases[epicId] = end === 'lost' ? undefined : end;
  } catch (err) {
    log.warn(`epic ${epicId} could not be followed: ${describe(err)}`);
    phases[epicId] = isCancellation(err) ? 'cancelled' : 'failed';
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
