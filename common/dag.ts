/**
 * Dependency-graph checks and the dispatch order (DESIGN §2): an item is ready when all its dependencies are
 * satisfied; ready items go by priority, then longest remaining dependency path (in estimated work when the plan
 * gives estimates), then id. Pure and sandbox-safe.
 */
import { parseDuration } from './durations';

export interface DagNode {
  id: string;
  dependsOn: string[];
  priority?: number;
  phase?: number;
  /** A duration ("45m"): the weight of the item in the critical path. */
  estimate?: string;
}

export type DagProblem =
  | { kind: 'duplicate'; id: string }
  | { kind: 'unknown-dependency'; id: string; dependency: string }
  | { kind: 'self-dependency'; id: string }
  | { kind: 'cycle'; cycle: string[] };

/** All structural problems of a dependency graph, in a stable order. */
export function findDagProblems(nodes: readonly DagNode[]): DagProblem[] {
  const problems: DagProblem[] = [];
  const ids = new Set<string>();
  for (const n of nodes) {
    if (ids.has(n.id)) problems.push({ kind: 'duplicate', id: n.id });
    ids.add(n.id);
  }
  for (const n of nodes) {
    for (const d of n.dependsOn) {
      if (d === n.id) problems.push({ kind: 'self-dependency', id: n.id });
      else if (!ids.has(d)) problems.push({ kind: 'unknown-dependency', id: n.id, dependency: d });
    }
  }
  const cycle = findCycle(nodes);
  if (cycle) problems.push({ kind: 'cycle', cycle });
  return problems;
}

export function describeDagProblem(p: DagProblem): string {
  switch (p.kind) {
    case 'duplicate':
      return `duplicate item id "${p.id}"`;
    case 'unknown-dependency':
      return `item "${p.id}": dependsOn names unknown item "${p.dependency}"`;
    case 'self-dependency':
      return `item "${p.id}": dependsOn names the item itself`;
    case 'cycle':
      return `dependency cycle: ${p.cycle.join(' -> ')}`;
  }
}

/** A cycle as a closed path (first id repeated at the end), or undefined. Self-loops are reported separately. */
export function findCycle(nodes: readonly DagNode[]): string[] | undefined {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      if (dep === id || !byId.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'visiting') return [...stack.slice(stack.indexOf(dep)), dep];
      if (s === undefined) {
        const found = visit(dep);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const n of [...nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (!state.has(n.id)) {
      const found = visit(n.id);
      if (found) return found.reverse(); // report in dependency order: a -> b means "a is needed by b"
    }
  }
  return undefined;
}

/**
 * Each item's weight in the critical path: 1 when the plan gives no estimates (the path counts items, as before
 * estimates existed); otherwise its estimate in minutes, and the median estimate for an item without one.
 */
function itemWeights(nodes: readonly DagNode[]): (id: string) => number {
  const minutes = new Map<string, number>();
  for (const n of nodes) {
    const m = n.estimate ? estimateMinutes(n.estimate) : undefined;
    if (m !== undefined) minutes.set(n.id, m);
  }
  if (!minutes.size) return () => 1;
  const sorted = [...minutes.values()].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return (id) => minutes.get(id) ?? median;
}

function estimateMinutes(text: string): number | undefined {
  try {
    return parseDuration(text) / 60_000;
  } catch {
    return undefined; // plans are validated before this; an odd value just counts as no estimate
  }
}

/**
 * For each item, the weight of the longest chain of dependents hanging off it (itself included): the critical path
 * length, in items, or in estimated minutes when the plan gives estimates. Items with a long tail go first.
 */
export function criticalPathLengths(nodes: readonly DagNode[]): Map<string, number> {
  const weight = itemWeights(nodes);
  const dependents = new Map<string, string[]>();
  for (const n of nodes) for (const d of n.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), n.id]);
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const length = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 1; // cycles are rejected before this is used; stay total anyway
    visiting.add(id);
    let best = 0;
    for (const dep of dependents.get(id) ?? []) best = Math.max(best, length(dep));
    visiting.delete(id);
    memo.set(id, best + weight(id));
    return best + weight(id);
  };
  for (const n of nodes) length(n.id);
  return memo;
}

/** Sorts candidate ids into dispatch order: priority (lower first, missing last), critical path, id. */
export function dispatchOrder<T extends DagNode>(candidates: readonly T[], critical: Map<string, number>): T[] {
  return [...candidates].sort((a, b) => {
    const pa = a.priority ?? Number.MAX_SAFE_INTEGER;
    const pb = b.priority ?? Number.MAX_SAFE_INTEGER;
    if (pa !== pb) return pa - pb;
    const ca = critical.get(a.id) ?? 0;
    const cb = critical.get(b.id) ?? 0;
    if (ca !== cb) return cb - ca;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/**
 * Ids ready to start, in dispatch order. `isSatisfied(id)` tells whether a dependency no longer holds anyone
 * back (merged, done or skipped); `isPending(id)` whether an item still waits to be started. With phase
 * barriers, an item of phase N waits until every item of an earlier phase is satisfied.
 */
export function readyItems<T extends DagNode>(
  nodes: readonly T[],
  critical: Map<string, number>,
  isPending: (id: string) => boolean,
  isSatisfied: (id: string) => boolean,
  phaseBarriers = false,
): T[] {
  let lowestOpenPhase = Number.POSITIVE_INFINITY;
  if (phaseBarriers) {
    for (const n of nodes) if (!isSatisfied(n.id) && n.phase !== undefined) lowestOpenPhase = Math.min(lowestOpenPhase, n.phase);
  }
  const ready = nodes.filter(
    (n) =>
      isPending(n.id) &&
      n.dependsOn.every(isSatisfied) &&
      (!phaseBarriers || n.phase === undefined || n.phase <= lowestOpenPhase),
  );
  return dispatchOrder(ready, critical);
}

/** Every item that (transitively) depends on `id`. */
export function transitiveDependents(nodes: readonly DagNode[], id: string): Set<string> {
  const out = new Set<string>();
  const queue = [id];
  while (queue.length) {
    const cur = queue.shift()!;
    for (const n of nodes) {
      if (n.dependsOn.includes(cur) && !out.has(n.id)) {
        out.add(n.id);
        queue.push(n.id);
      }
    }
  }
  return out;
}
