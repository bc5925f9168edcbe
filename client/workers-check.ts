/** Is a live worker polling a task queue? (`describeTaskQueue`: pollers seen in the last two minutes.) */
import type { Client } from '@temporalio/client';
import { HOSTS_PRESENCE_TASK_QUEUE } from '../common/hosts';
import { AGENT_TASK_QUEUE } from '../common/ids';

export async function livePollers(client: Client, taskQueue: string, kind: 'workflow' | 'activity'): Promise<string[]> {
  const res = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: 1 /* TASK_QUEUE_KIND_NORMAL */ },
    taskQueueType: kind === 'workflow' ? 1 /* TASK_QUEUE_TYPE_WORKFLOW */ : 2 /* TASK_QUEUE_TYPE_ACTIVITY */,
  });
  const recent = Date.now() - 120_000;
  return (res.pollers ?? [])
    .filter((p) => {
      const t = p.lastAccessTime;
      return !t || Number(t.seconds ?? 0) * 1000 >= recent;
    })
    .map((p) => p.identity ?? '?');
}

/**
 * Workers that serve the agents: pollers of the agents' queue, and worker hosts (which ask that queue for claims only
 * while they have room, but always poll the presence queue).
 */
export async function agentPollers(client: Client): Promise<string[]> {
  const [agents, hosts] = await Promise.all([livePollers(client, AGENT_TASK_QUEUE, 'activity'), livePollers(client, HOSTS_PRESENCE_TASK_QUEUE, 'activity')]);
  return [...new Set([...agents, ...hosts])];
}
