/**
 * Write-back to the plan's source (DESIGN §2 step 7): Beads and claude-code-workflow learn what happened to their
 * items. A failed write-back never fails the item; it is reported in the item's status.
 */
import type { PlanSource } from '../common/plan';

export type WriteBackEvent =
  | { kind: 'started'; itemId: string }
  | { kind: 'merged'; itemId: string; summary: string; mergeCommit: string }
  | { kind: 'failed'; itemId: string; reason: string }
  | { kind: 'epic-started' }
  | { kind: 'epic-completed' }
  /** ccw: the review session's findings over the integrated result (`settings.completion: ask`, "review"). */
  | { kind: 'review-findings'; text: string };

export interface WriteBackResult {
  ok: boolean;
  /** Something for the item's status when it did not work or was off. */
  note?: string;
}

export type WriteBackHandler = (source: PlanSource, event: WriteBackEvent) => Promise<WriteBackResult>;

const handlers = new Map<PlanSource['kind'], WriteBackHandler>();

/** Importers register their write-back here (client/importers/* pair with activities/sync-*). */
export function registerWriteBack(kind: PlanSource['kind'], handler: WriteBackHandler): void {
  handlers.set(kind, handler);
}

export async function writeBack(source: PlanSource | undefined, event: WriteBackEvent): Promise<WriteBackResult> {
  if (!source) return { ok: true };
  const handler = handlers.get(source.kind);
  if (!handler) return { ok: true };
  try {
    return await handler(source, event);
  } catch (err) {
    return { ok: false, note: `write-back to ${source.kind} failed: ${(err as Error).message}` };
  }
}
