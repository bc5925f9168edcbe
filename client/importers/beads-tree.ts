/**
 * The shape of a Beads source: which issues are children of which (`parent-child` edges only), which epic runs,
 * and its descendants flattened into leaves (that run) and containers (nested epics, flattened).
 */
import type { SkippedSourceItem } from '../../common/plan';
import { PlanError } from '../../common/plan-schema';
import type { BeadsIssue, BeadsSource } from './beads-records';

export const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

export interface BeadsTree {
  src: BeadsSource;
  /** Source position of every issue id. */
  order: Map<string, number>;
  /** parent → children, in source order. */
  children: Map<string, string[]>;
  /** Live issues that are somebody's child. */
  hasParent: Set<string>;
  /** Issues that are epics by type, or have live children. */
  epics: BeadsIssue[];
}

export const isLive = (tree: BeadsTree, id: string) => {
  const i = tree.src.issues.get(id);
  return Boolean(i && i.status !== 'tombstone');
};

export const liveKids = (tree: BeadsTree, id: string) => (tree.children.get(id) ?? []).filter((k) => isLive(tree, k));

export const bySourceOrder = (tree: BeadsTree) => (a: string, b: string) => tree.order.get(a)! - tree.order.get(b)!;

export function buildTree(src: BeadsSource): BeadsTree {
  const order = new Map([...src.issues.keys()].map((id, i) => [id, i]));
  const tree: BeadsTree = { src, order, children: new Map(), hasParent: new Set(), epics: [] };
  for (const e of src.edges) {
    if (e.type !== 'parent-child' || !src.issues.has(e.from) || e.from === e.to) continue;
    const list = tree.children.get(e.to);
    if (list) list.push(e.from);
    else tree.children.set(e.to, [e.from]);
    if (isLive(tree, e.from)) tree.hasParent.add(e.from);
  }
  for (const list of tree.children.values()) list.sort(bySourceOrder(tree));
  tree.epics = [...src.issues.values()].filter((i) => i.status !== 'tombstone' && (i.issueType === 'epic' || liveKids(tree, i.id).length > 0));
  return tree;
}

/** `bd-1 (Auth, 3 children), ...` for messages that name the epics a source holds. */
export function epicList(tree: BeadsTree): string {
  if (!tree.epics.length) return 'none';
  return tree.epics
    .map((e) => {
      const n = liveKids(tree, e.id).length;
      return `${e.id} (${oneLine(e.title) || 'untitled'}, ${n} ${n === 1 ? 'child' : 'children'})`;
    })
    .join(', ');
}

/** The epic `--epic` names, or the only top-level epic with children. */
export function chooseEpic(tree: BeadsTree, file: string, wanted: string | undefined): BeadsIssue {
  let epicId = wanted;
  if (!epicId) {
    const top = tree.epics.filter((e) => !tree.hasParent.has(e.id) && liveKids(tree, e.id).length > 0);
    if (top.length !== 1) {
      throw new PlanError(file, [
        top.length
          ? `the source holds several epics: choose one with --epic <id> (epics found: ${epicList(tree)})`
          : 'no epic found (an epic is an issue with children linked by parent-child dependencies)',
      ]);
    }
    epicId = top[0].id;
  }
  const epic = tree.src.issues.get(epicId);
  if (!epic) throw new PlanError(file, [`no epic "${epicId}" in this source; epics found: ${epicList(tree)}`]);
  if (epic.status === 'tombstone') throw new PlanError(file, [`epic "${epicId}" is deleted (tombstone); epics found: ${epicList(tree)}`]);
  return epic;
}

export interface FlatEpic {
  epicId: string;
  /** Issues that run (or are done), in source order. */
  leaves: string[];
  leafSet: Set<string>;
  /** Nested epics: flattened, never run. */
  containers: Set<string>;
  /** The nearest container above an issue (undefined: directly under the epic). */
  containerOf: Map<string, string | undefined>;
  /** Tombstones and nested epics so far; skipped leaves are added later. */
  skipped: SkippedSourceItem[];
  /** The leaves under a container, however deep. */
  leavesUnder(container: string): string[];
}

/** The epic's descendants: leaves run, containers (children with children) are flattened. */
export function flattenEpic(tree: BeadsTree, epicId: string, file: string): FlatEpic {
  const flat: FlatEpic = { epicId, leaves: [], leafSet: new Set(), containers: new Set(), containerOf: new Map(), skipped: [], leavesUnder: () => [] };
  const seen = new Set<string>([epicId]);
  const visit = (id: string, container: string | undefined) => {
    for (const kid of tree.children.get(id) ?? []) {
      if (seen.has(kid)) continue;
      seen.add(kid);
      if (!isLive(tree, kid)) {
        flat.skipped.push({ id: kid, reason: 'deleted (tombstone)' });
        continue;
      }
      flat.containerOf.set(kid, container);
      if (liveKids(tree, kid).some((k) => !seen.has(k))) {
        flat.containers.add(kid);
        flat.skipped.push({ id: kid, reason: 'nested epic: flattened into its children' });
        visit(kid, kid);
      } else {
        flat.leaves.push(kid);
      }
    }
  };
  visit(epicId, undefined);
  if (flat.leaves.length === 0) {
    throw new PlanError(file, [`"${epicId}" has no children (parent-child dependencies), so there is nothing to run; epics found: ${epicList(tree)}`]);
  }
  flat.leaves.sort(bySourceOrder(tree));
  flat.leafSet = new Set(flat.leaves);
  flat.leavesUnder = leavesUnderFn(tree, flat);
  return flat;
}

function leavesUnderFn(tree: BeadsTree, flat: FlatEpic): (c: string) => string[] {
  const known = new Map<string, string[]>();
  const collect = (c: string): string[] => {
    const cached = known.get(c);
    if (cached) return cached;
    known.set(c, []); // guards against parent-child cycles
    const out = liveKids(tree, c).flatMap((k) => (flat.leafSet.has(k) ? [k] : flat.containers.has(k) ? collect(k) : []));
    known.set(c, out);
    return out;
  };
  return collect;
}
