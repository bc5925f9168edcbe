/**
 * Worker Versioning (issue 16): every Overseer worker is a version of the Worker Deployment `overseer`, named by
 * its build id. Workflows are pinned to the build they started on (the worker's default); the epic and the merge
 * queue move to the current build when they continue-as-new (workflows/versioning.ts). The first worker of a
 * deployment with no current version makes its own version current, so `overseer dev` and tests just work; after
 * that a rollout is `temporal worker deployment set-current-version` (README "Deploying a new Overseer").
 */
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { WorkerDeploymentOptions } from '@temporalio/worker';
import { bundleHash } from './bundle';
import { currentBuildId, DEPLOYMENT_NAME, setCurrentBuild } from './deployment';

export { currentBuildId, DEPLOYMENT_NAME, setCurrentBuild } from './deployment';

function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      /* the compiled package sits one level deeper */
    }
  }
  return '0.0.0';
}

/** The default build id: the package version and a hash of the workflow sources (what replay depends on). */
export function defaultBuildId(): string {
  return `${packageVersion()}-${bundleHash()}`;
}

export function deploymentOptions(buildId: string): WorkerDeploymentOptions {
  return { version: { deploymentName: DEPLOYMENT_NAME, buildId }, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' };
}

/**
 * Makes `buildId` current when the deployment has no current version. The server learns of a version from its
 * pollers, so this retries for a while after the workers started polling. Returns the current build id.
 */
export async function ensureCurrentVersion(
  client: Client,
  namespace: string,
  buildId: string,
  identity: string,
  timeoutMs = 30_000,
  /** Stop trying once this says no (the workers stopped: their connection may be closed). */
  keepTrying: () => boolean = () => true,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!keepTrying()) return undefined;
    try {
      const current = await currentBuildId(client, namespace);
      if (current) return current;
      await setCurrentBuild(client, namespace, buildId, identity);
      return buildId;
    } catch (err) {
      if (!keepTrying()) return undefined;
      if (Date.now() > deadline) throw new Error(`could not make build ${buildId} current in deployment ${DEPLOYMENT_NAME}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
