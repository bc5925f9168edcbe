/**
 * Overseer's metrics from the workflows (issue 16), through the SDK's workflow metric meter: served by the
 * worker's Prometheus endpoint with the SDK's own, and never emitted while a history is replayed.
 */
import { metricMeter } from '@temporalio/workflow';
import type { WorkItem } from '../common/plan';
import type { ItemState, ItemStatus } from '../common/status';

const STATES: ItemState[] = ['pending', 'ready', 'running', 'awaiting_answer', 'gating', 'in_review', 'approved', 'merging', 'merged', 'rejected', 'failed', 'blocked', 'skipped', 'cancelled', 'waiting'];

/** `overseer_items{epic,state}`: how many of the epic's items are in each state (zeros included). */
export function recordItemStates(epicId: string, items: readonly WorkItem[], statuses: Record<string, ItemStatus>): void {
  const gauge = metricMeter.createGauge('overseer_items', 'int', 'items', 'work items by state');
  const counts = new Map<string, number>(STATES.map((s) => [s, 0]));
  for (const it of items) {
    const state = statuses[it.id]?.state ?? 'pending';
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  for (const [state, n] of counts) gauge.set(n, { epic: epicId, state });
}

/** `overseer_merge_queue_depth{repo}`: requests waiting in a repository's merge queue. */
export function recordQueueDepth(repoKey: string, depth: number): void {
  metricMeter.createGauge('overseer_merge_queue_depth', 'int', 'requests', 'merge requests waiting').set(depth, { repo: repoKey });
}

/** `overseer_merge_wait` and `overseer_merge_duration`: from enqueue to the start of the merge, and the merge. */
export function recordMerge(repoKey: string, waitedMs: number, tookMs: number, outcome: string): void {
  metricMeter.createHistogram('overseer_merge_wait', 'int', 'ms', 'time a merge request waited in the queue').record(Math.max(0, waitedMs), { repo: repoKey });
  metricMeter.createHistogram('overseer_merge_duration', 'int', 'ms', 'time a merge took').record(Math.max(0, tookMs), { repo: repoKey, outcome });
}
