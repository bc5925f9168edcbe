/**
 * Which build of the `overseer` Worker Deployment serves what (issue 16): each workflow's deployment version from
 * describe (`versioningInfo`), grouped by build, and the deployment's current build. Shown by `overseer status`.
 */
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { epicWorkflowId, itemWorkflowId } from '../common/ids';
import type { EpicStatus } from '../common/status';
import { currentBuildId, DEPLOYMENT_NAME } from '../workers/deployment';

const BEHAVIOR = ['unspecified', 'pinned', 'auto-upgrade'];

export interface BuildOf {
  buildId?: string;
  behavior?: string;
}

/** The build a described workflow runs on (its pinned override first). */
export function buildOfDescription(d: WorkflowExecutionDescription): BuildOf {
  const v = d.raw.workflowExecutionInfo?.versioningInfo;
  const override = v?.versioningOverride?.pinned?.version?.buildId;
  return { buildId: override || v?.deploymentVersion?.buildId || undefined, behavior: v ? BEHAVIOR[Number(v.behavior ?? 0)] : undefined };
}

export async function buildOf(client: Client, workflowId: string): Promise<BuildOf> {
  try {
    return buildOfDescription(await client.workflow.getHandle(workflowId).describe());
  } catch {
    return {};
  }
}

/** Item ids (and `epic`) by build id; items not started yet are left out. `epicBuild`: the epic's, when known. */
export async function buildsOfEpic(client: Client, status: EpicStatus, epicBuild?: BuildOf): Promise<Map<string, string[]>> {
  const started = status.items.filter((i) => i.state !== 'pending' && i.state !== 'ready');
  const ids = ['epic', ...started.map((i) => i.itemId)];
  const found: BuildOf[] = [];
  for (let i = 0; i < ids.length; i += 16) {
    const batch = ids.slice(i, i + 16).map((id) =>
      id === 'epic' ? (epicBuild ?? buildOf(client, epicWorkflowId(status.epicId))) : buildOf(client, itemWorkflowId(status.epicId, id)),
    );
    found.push(...(await Promise.all(batch)));
  }
  const by = new Map<string, string[]>();
  ids.forEach((id, i) => {
    const b = found[i].buildId ?? 'unversioned';
    by.set(b, [...(by.get(b) ?? []), id]);
  });
  return by;
}

/**
 * The builds lines. `known`: what the caller already has, so it costs no second round trip: the epic's build (from
 * its describe), the deployment's current build (asked for alongside the epic's status).
 */
export async function formatBuilds(
  client: Client,
  namespace: string,
  status: EpicStatus,
  known: { epicBuild?: BuildOf; current?: Promise<string | undefined> } = {},
): Promise<string> {
  const [by, current] = await Promise.all([buildsOfEpic(client, status, known.epicBuild), known.current ?? currentBuildId(client, namespace)]);
  const lines = [`builds (deployment ${DEPLOYMENT_NAME}, current ${current ?? 'none'}):`];
  for (const [build, ids] of by) lines.push(`  ${build}${build === current ? ' (current)' : ''}: ${ids.join(', ')}`);
  return lines.join('\n');
}
