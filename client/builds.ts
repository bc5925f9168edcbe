/**
 * Which build of the `overseer` Worker Deployment serves what (issue 16): each workflow's deployment version from
 * describe (`versioningInfo`), grouped by build, and the deployment's current build. Shown by `overseer status`.
 */
import type { Client } from '@temporalio/client';
import { epicWorkflowId, itemWorkflowId } from '../common/ids';
import type { EpicStatus } from '../common/status';
import { currentBuildId, DEPLOYMENT_NAME } from '../workers/deployment';

const BEHAVIOR = ['unspecified', 'pinned', 'auto-upgrade'];

export interface BuildOf {
  buildId?: string;
  behavior?: string;
}

export async function buildOf(client: Client, workflowId: string): Promise<BuildOf> {
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    const v = d.raw.workflowExecutionInfo?.versioningInfo;
    const override = v?.versioningOverride?.pinned?.version?.buildId;
    return { buildId: override || v?.deploymentVersion?.buildId || undefined, behavior: v ? BEHAVIOR[Number(v.behavior ?? 0)] : undefined };
  } catch {
    return {};
  }
}

/** Item ids (and `epic`) by build id; items not started yet are left out. */
export async function buildsOfEpic(client: Client, status: EpicStatus): Promise<Map<string, string[]>> {
  const started = status.items.filter((i) => i.state !== 'pending' && i.state !== 'ready');
  const ids = ['epic', ...started.map((i) => i.itemId)];
  const found: BuildOf[] = [];
  for (let i = 0; i < ids.length; i += 16) {
    const batch = ids.slice(i, i + 16).map((id) => buildOf(client, id === 'epic' ? epicWorkflowId(status.epicId) : itemWorkflowId(status.epicId, id)));
    found.push(...(await Promise.all(batch)));
  }
  const by = new Map<string, string[]>();
  ids.forEach((id, i) => {
    const b = found[i].buildId ?? 'unversioned';
    by.set(b, [...(by.get(b) ?? []), id]);
  });
  return by;
}

export async function formatBuilds(client: Client, namespace: string, status: EpicStatus): Promise<string> {
  const [by, current] = await Promise.all([buildsOfEpic(client, status), currentBuildId(client, namespace)]);
  const lines = [`builds (deployment ${DEPLOYMENT_NAME}, current ${current ?? 'none'}):`];
  for (const [build, ids] of by) lines.push(`  ${build}${build === current ? ' (current)' : ''}: ${ids.join(', ')}`);
  return lines.join('\n');
}
