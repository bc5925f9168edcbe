/**
 * Following an epic until it ends: prints each item's state changes as they happen. The epic "ends" for the
 * watcher when its workflow closes, or when nothing is running and only a person can move it on (a question, a
 * failed item, an approval): then the caller prints the epic's inbox in full.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { epicStatusQuery } from '../common/api';
import { epicWorkflowId } from '../common/ids';
import type { EpicStatus } from '../common/status';
import { formatItemLine } from './format';
import { inboxOf } from './inbox';

export interface WatchOutcome {
  status: EpicStatus;
  /** 0 when every item merged (or was already done), 1 otherwise. */
  exitCode: number;
  closed: boolean;
  /** Stopped because only a person can move the epic on. */
  waitsForHuman: boolean;
}

const LIVE = ['running', 'gating', 'in_review', 'approved', 'merging', 'ready'];

/** Nothing moves without a person: no live item except those waiting for one, and something in the inbox. */
export function waitsForHuman(status: EpicStatus): boolean {
  const inbox = inboxOf(status);
  const waiting = new Set(inbox.map((e) => e.itemId));
  const moving = status.items.some((i) => LIVE.includes(i.state) && !waiting.has(i.itemId));
  return inbox.length > 0 && !moving && status.phase !== 'paused';
}

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
      const key = `${item.state}|${item.detail ?? ''}|${item.pendingQuestion?.questionId ?? ''}`;
      if (seen.get(item.itemId) !== key) {
        seen.set(item.itemId, key);
        print(`  ${formatItemLine(item)}`);
      }
    }
    const allMerged = status.items.every((i) => i.state === 'merged' || i.state === 'done');
    const human = waitsForHuman(status);
    if (closed || ['completed', 'failed', 'cancelled'].includes(status.phase) || human) {
      return { status, exitCode: allMerged ? 0 : 1, closed, waitsForHuman: human && !closed };
    }
    await sleep(intervalMs);
  }
}
