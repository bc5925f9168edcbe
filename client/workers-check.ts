/** Is a live worker polling a task queue? (`describeTaskQueue`: pollers seen in the last two minutes.) */
import type { Client } from '@temporalio/client';

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
