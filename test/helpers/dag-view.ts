/** How the importer tests look at a normalized plan's DAG: what runs first, and who waits for whom. */
import { criticalPathLengths, readyItems } from '../../common/dag';
import type { EpicPlan } from '../../common/plan';

/** The items the epic starts first (done items count as satisfied), sorted. */
export function firstReady(plan: EpicPlan): string[] {
  const done = new Set(plan.items.filter((i) => i.done).map((i) => i.id));
  return readyItems(plan.items, criticalPathLengths(plan.items), (id) => !done.has(id), (id) => done.has(id), plan.settings.phaseBarriers)
    .map((i) => i.id)
    .sort();
}

/** item id → its dependencies, sorted. */
export const edges = (plan: EpicPlan) => Object.fromEntries(plan.items.map((i) => [i.id, [...i.dependsOn].sort()]));
