/**
 * The worker hosts serving a server, from Temporal's own information: the pollers of the shared agents' queue
 * (`describeTaskQueue`), whose identities carry host and session limit (`overseer@<host>:<pid> sessions=<max>`),
 * and the pollers of each host's own queue `overseer-host/<name>`.
 */
import type { Client } from '@temporalio/client';
import { AGENT_TASK_QUEUE } from '../common/ids';
import { HOSTS_PRESENCE_TASK_QUEUE, hostTaskQueue, parseHostIdentity } from '../common/hosts';

export interface HostRow {
  host: string;
  /** Sum of the session limits of the host's worker processes. */
  maxSessions: number;
  processes: number;
  /** Whether the host's own queue has a live poller (items can be pinned there). */
  ownQueue: boolean;
  lastSeen: Date;
}

interface Poller {
  identity: string;
  lastSeen: Date;
}

async function pollers(client: Client, taskQueue: string): Promise<Poller[]> {
  const res = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: 1 /* NORMAL */ },
    taskQueueType: 2 /* ACTIVITY */,
  });
  const recent = Date.now() - 120_000;
  return (res.pollers ?? [])
    .map((p) => ({ identity: p.identity ?? '', lastSeen: new Date(Number(p.lastAccessTime?.seconds ?? 0) * 1000) }))
    .filter((p) => p.lastSeen.getTime() >= recent);
}

export async function listHosts(client: Client): Promise<HostRow[]> {
  const byHost = new Map<string, HostRow & { pids: Set<string> }>();
  const [agents, present] = await Promise.all([pollers(client, AGENT_TASK_QUEUE), pollers(client, HOSTS_PRESENCE_TASK_QUEUE)]);
  for (const p of [...present, ...agents]) {
    const id = parseHostIdentity(p.identity);
    if (!id) continue;
    const row = byHost.get(id.host) ?? { host: id.host, maxSessions: 0, processes: 0, ownQueue: false, lastSeen: p.lastSeen, pids: new Set<string>() };
    const pid = String(id.pid ?? p.identity);
    if (!row.pids.has(pid)) {
      row.pids.add(pid);
      row.maxSessions += id.maxSessions ?? 0;
      row.processes += 1;
    }
    if (p.lastSeen > row.lastSeen) row.lastSeen = p.lastSeen;
    byHost.set(id.host, row);
  }
  const rows = [...byHost.values()].sort((a, b) => a.host.localeCompare(b.host));
  await Promise.all(rows.map(async (r) => (r.ownQueue = (await pollers(client, hostTaskQueue(r.host))).length > 0)));
  return rows.map(({ pids: _pids, ...r }) => r);
}

export function formatHosts(rows: HostRow[]): string {
  if (!rows.length) return 'no worker host polls this server (start one with `overseer worker --host <name>`)';
  const lines = ['HOST                 SESSIONS(max)  PROCESSES  OWN QUEUE  LAST SEEN'];
  for (const r of rows) {
    lines.push(`${r.host.padEnd(20)} ${String(r.maxSessions).padEnd(14)} ${String(r.processes).padEnd(10)} ${(r.ownQueue ? hostTaskQueue(r.host) : 'none').padEnd(10)} ${r.lastSeen.toISOString()}`);
  }
  return lines.join('\n');
}
