/**
 * Worker hosts (issue 12, DESIGN §7): every worker also polls a task queue of its own, `overseer-host/<name>`, so
 * the activities bound to an item's worktree run where the worktree is. Pure names, shared by workers and client.
 */
export const HOST_QUEUE_PREFIX = 'overseer-host/';

/** Host names: what a hostname may hold, so the queue name stays readable. */
export const HOST_NAME_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

export function hostTaskQueue(host: string): string {
  return `${HOST_QUEUE_PREFIX}${host}`;
}

/**
 * Polled by each host only while it has a free session slot: an item claimed by a busy host ahead of its session
 * (a prefetch) also asks here, and moves when a host that could start it at once answers first.
 */
export const FREE_HOSTS_TASK_QUEUE = 'overseer-hosts-free';

/**
 * Every host polls this queue all the time (no task is ever sent to it): its pollers are the live hosts, even those
 * too busy to poll the claims on the agents' queue, which a host asks for only while it has room.
 */
export const HOSTS_PRESENCE_TASK_QUEUE = 'overseer-hosts';

/** What the "claim a host" activity returns: the host that will hold the item's worktree, and its queue. */
export interface HostClaim {
  host: string;
  taskQueue: string;
  /** The host's workdir, for messages (`overseer status`). */
  workdir: string;
  /** Claimed while every session slot of the host was busy: the item's first session waits for one there. */
  prefetched?: boolean;
}

/**
 * A worker's identity carries its host and its session limit, so `overseer hosts` can tell them from
 * `describeTaskQueue` pollers alone: `overseer@<host>:<pid> sessions=<max>`.
 */
export function hostIdentity(host: string, pid: number, maxSessions: number): string {
  return `overseer@${host}:${pid} sessions=${maxSessions}`;
}

export function parseHostIdentity(identity: string): { host: string; pid?: number; maxSessions?: number } | undefined {
  const m = /^overseer@([^:\s]+)(?::(\d+))?(?:\s+sessions=(\d+))?/.exec(identity);
  if (!m) return undefined;
  return { host: m[1], ...(m[2] && { pid: Number(m[2]) }), ...(m[3] && { maxSessions: Number(m[3]) }) };
}
