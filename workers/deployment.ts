/**
 * The Worker Deployment `overseer` as a client sees it: its name, its current build, making a build current. Kept
 * apart from workers/versioning.ts, which needs the workflow bundle (and so @temporalio/worker, over a second to
 * load): `overseer status` shows the builds and must not pay for that.
 */
import type { Client } from '@temporalio/client';

export const DEPLOYMENT_NAME = 'overseer';

/** The deployment's current build id, or undefined when it has none (or does not exist yet). */
export async function currentBuildId(client: Client, namespace: string): Promise<string | undefined> {
  try {
    const res = await client.workflowService.describeWorkerDeployment({ namespace, deploymentName: DEPLOYMENT_NAME });
    const rc = res.workerDeploymentInfo?.routingConfig;
    return rc?.currentDeploymentVersion?.buildId || undefined;
  } catch {
    return undefined;
  }
}

export async function setCurrentBuild(client: Client, namespace: string, buildId: string, identity: string): Promise<void> {
  await client.workflowService.setWorkerDeploymentCurrentVersion({ namespace, deploymentName: DEPLOYMENT_NAME, buildId, identity });
}
