/**
 * Beads epics of one run (`overseer run --beads --all`): an ordering edge to open work of another epic of the run
 * becomes a cross-epic dependency (`<epicId>/<itemId>`, or `<epicId>/*` for a whole epic or a nested one) instead
 * of leaving the child out.
 */
import { isLive, liveKids, type BeadsTree } from './beads-tree';

/** The top-level epic an issue sits under (through `parent-child` edges), or the issue itself when it is one. */
export function topEpicOf(tree: BeadsTree, id: string): string | undefined {
  const parentOf = new Map<string, string>();
  for (const [parent, kids] of tree.children) for (const k of kids) parentOf.set(k, parent);
  let cur = id;
  for (let guard = 0; parentOf.has(cur) && guard < 1000; guard++) cur = parentOf.get(cur)!;
  return cur === id && !tree.epics.some((e) => e.id === id) ? undefined : cur;
}

/** The cross-epic dependency an edge to `to` (outside this epic) stands for, when its epic is in the run. */
export function crossEpicDependency(tree: BeadsTree, epicId: string, to: string, runEpics: ReadonlySet<string> | undefined): string | undefined {
  if (!runEpics) return undefined;
  const other = topEpicOf(tree, to);
  if (!other || other === epicId || !runEpics.has(other)) return undefined;
  const isLeaf = liveKids(tree, to).length === 0 && to !== other;
  return isLeaf ? `${other}/${to}` : `${other}/*`;
}

/** Every open top-level epic with live children (`--all`). */
export function openTopEpics(tree: BeadsTree): string[] {
  return tree.epics.filter((e) => !tree.hasParent.has(e.id) && e.status !== 'closed' && isLive(tree, e.id) && liveKids(tree, e.id).length > 0).map((e) => e.id);
}
