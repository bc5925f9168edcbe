/**
 * Following an epic until it ends: prints each item's state changes as they happen. The epic "ends" for the
 * watcher when its workflow closes, or when nothing is running and only a human can move it on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { epicStatusQuery } from '../common/api';
import { epicWorkflowId } from '../common/ids';
import type { EpicStatus } from '../common/status';
import { formatItemLine } from './format';

export interface WatchOutcome {
  status: EpicStatus;
  /** 0 when every item merged (or was already done), 1 otherwise. */
  exitCode: number;
  closed: boolean;
}

const LIVE = ['running', 'gating', 'in_review', 'approved', 'merging', 'ready'];

export async function watchEpic(client: Client, epicId: string, print: (line: string) => void, intervalMs = 1000): Promise<WatchOutcome> {
  const handle = client.workflow.getHandle(epicWorkflowId(epicId));
  const seen = new Map<string, string>();
  let closed = false;
  handle.result().then(
    () => (closed = true),
    () => (closed = true),
  );
  for (;;) {
    let status: EpicStatus;
    try {
      status = await handle.query(epicStatusQuery);
    } catch (err) {
      if (closed) {
        const desc = await handle.describe();
        throw new Error(`epic ${epicId} ended (${desc.status.name}) before its status could be read: ${(err as Error).message}`);
      }
      await sleep(intervalMs);
      continue;
    }
    for (const item of status.items) {
      const line = formatItemLine(item);
      const key = `${item.state}|${item.detail ?? ''}|${item.pendingQuestion?.questionId ?? ''}`;
      if (seen.get(item.itemId) !== key) {
        seen.set(item.itemId, key);
        print(`  ${line}`);
      }
    }
    const allMerged = status.items.every((i) => i.state === 'merged' || i.state === 'done');
    const settled = !status.items.some((i) => LIVE.includes(i.state)) && status.phase === 'awaiting_human' && !status.items.some((i) => i.pendingQuestion);
    if (closed || ['completed', 'failed', 'cancelled'].includes(status.phase) || settled) {
      return { status, exitCode: allMerged ? 0 : 1, closed };
    }
    await sleep(intervalMs);
  }
}
