/**
 * The task graph of a claude-code-workflow session: subtasks by dotted id (`IMPL-4.1` under `IMPL-4`), containers
 * (tasks with subtasks, never run), each leaf's dependencies resolved to leaves, and phases (depth in the graph).
 */
import { PlanError } from '../../common/plan-schema';
import type { CcwTask } from './ccw-task';

export type SessionTask = CcwTask & { file: string };

/** IMPL-2 < IMPL-10 < IMPL-10.1 */
export function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export interface TaskTree {
  tasks: Map<string, SessionTask>;
  parentOf: Map<string, string>;
  childrenOf: Map<string, string[]>;
  containers: Set<string>;
  /** Tasks that run (or are done), in id order. */
  leaves: string[];
}

export function buildTaskTree(tasks: Map<string, SessionTask>): TaskTree {
  const ids = [...tasks.keys()].sort(compareIds);
  // The nearest existing ancestor id is the parent.
  const parentOf = new Map<string, string>();
  const childrenOf = new Map<string, string[]>();
  for (const id of ids) {
    let p = id;
    while (p.includes('.')) {
      p = p.slice(0, p.lastIndexOf('.'));
      if (tasks.has(p)) {
        parentOf.set(id, p);
        childrenOf.set(p, [...(childrenOf.get(p) ?? []), id]);
        break;
      }
    }
  }
  const containers = new Set(childrenOf.keys());
  return { tasks, parentOf, childrenOf, containers, leaves: ids.filter((id) => !containers.has(id)) };
}

export function leavesUnder(tree: TaskTree, id: string): string[] {
  return tree.containers.has(id) ? tree.childrenOf.get(id)!.flatMap((c) => leavesUnder(tree, c)) : [id];
}

/** Containers above a task, nearest first. */
export function ancestors(tree: TaskTree, id: string): string[] {
  const out: string[] = [];
  for (let p = tree.parentOf.get(id); p; p = tree.parentOf.get(p)) out.push(p);
  return out;
}

/** Each leaf's dependencies (its own and its containers'), as leaves; bad references throw naming the task file. */
export function resolveTaskDeps(tree: TaskTree, display: string): Map<string, string[]> {
  const problems: string[] = [];
  const deps = new Map<string, string[]>();
  for (const id of tree.leaves) {
    const out = new Set<string>();
    const own = [id, ...ancestors(tree, id)];
    for (const owner of own) {
      const t = tree.tasks.get(owner)!;
      const via = owner === id ? '' : ` (through its container ${owner})`;
      for (const d of t.dependsOn) {
        if (d.startsWith('CROSS::')) {
          problems.push(`.task/${t.file}: item "${owner}": depends_on holds the unresolved cross-module placeholder "${d}" (ccw's cross-module integration did not run; replace it with a task id)`);
          continue;
        }
        if (!tree.tasks.has(d)) {
          problems.push(`.task/${t.file}: item "${owner}": depends_on names "${d}", which has no task in this session${via}`);
          continue;
        }
        if (own.includes(d)) continue; // a subtask "after" its own container: nothing to wait for
        for (const l of leavesUnder(tree, d)) if (l !== id) out.add(l);
      }
    }
    deps.set(id, [...out].sort(compareIds));
  }
  if (problems.length) throw new PlanError(display, [...new Set(problems)]);
  return deps;
}

/** Phased execution: every leaf's phase is its depth in the dependency graph. */
export function phasesOf(leaves: string[], deps: Map<string, string[]>): Map<string, number> {
  const phases = new Map<string, number>();
  const visiting = new Set<string>();
  const phase = (id: string): number => {
    const known = phases.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle: reported by the DAG check of normalizePlan
    visiting.add(id);
    const p = Math.max(-1, ...deps.get(id)!.map(phase)) + 1;
    visiting.delete(id);
    phases.set(id, p);
    return p;
  };
  for (const id of leaves) phase(id);
  return phases;
}
