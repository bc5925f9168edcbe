/**
 * Worker Versioning, workflow side (issue 16). Every workflow is pinned to the build it started on, so a new
 * build's code never replays an old history. The epic and the merge queue run for days: when the deployment's
 * current build changes, they continue-as-new onto it (`initialVersioningBehavior: 'AUTO_UPGRADE'`); items
 * finish where they started.
 */
import { makeContinueAsNewFunc, setWorkflowOptions, workflowInfo, type Workflow } from '@temporalio/workflow';

/** Pins a workflow type to the build that runs its first task. */
export function pin(fn: (...args: never[]) => Promise<unknown>): void {
  setWorkflowOptions({ versioningBehavior: 'PINNED' }, fn as (...args: unknown[]) => Promise<unknown>);
}

/** True when the deployment's current build is no longer the one this run is pinned to. */
export const newBuildCurrent = (): boolean => workflowInfo().targetWorkerDeploymentVersionChanged === true;

/** A long-lived workflow's cue for a new run: Temporal suggests it (its history grows long), or a new build is current. */
export const newRunDue = (): boolean => workflowInfo().continueAsNewSuggested || newBuildCurrent();

/** Continue-as-new whose next run starts on the deployment's current build. */
export function continueAsNewOnCurrentBuild<F extends Workflow>(...args: Parameters<F>): Promise<never> {
  return makeContinueAsNewFunc<F>({ initialVersioningBehavior: 'AUTO_UPGRADE' })(...args);
}
