/**
 * What each Beads leaf waits for: its own ordering edges and those of every container above it and of the epic,
 * resolved to leaves. Work outside the epic that is still open makes a leaf (and whatever waits for it) skipped.
 */
import type { SkippedSourceItem } from '../../common/plan';
import { PlanError } from '../../common/plan-schema';
import { bySourceOrder, type BeadsTree, type FlatEpic } from './beads-tree';
import { crossEpicDependency } from './beads-cross';

/** Edge types that order work (`bd ready` honours these); `parent-child` is structure. */
export const ORDERING_EDGES = new Set(['blocks', 'conditional-blocks', 'waits-for']);

export interface BeadsLink {
  type: string;
  target: string;
}

export interface LeafDependencies {
  deps: Map<string, Set<string>>;
  links: Map<string, BeadsLink[]>;
  /** Leaves that cannot run, and why. */
  skipReason: Map<string, string>;
  /** Dependencies on other epics of the run (`<epicId>/<itemId>`), per leaf. */
  cross: Map<string, string[]>;
}

function outgoingEdges(tree: BeadsTree): Map<string, { to: string; type: string }[]> {
  const outgoing = new Map<string, { to: string; type: string }[]>();
  for (const e of tree.src.edges) {
    const list = outgoing.get(e.from);
    if (list) list.push({ to: e.to, type: e.type });
    else outgoing.set(e.from, [{ to: e.to, type: e.type }]);
  }
  return outgoing;
}

/** The leaf, then every container above it, then the epic: whose edges the leaf inherits. */
function ownersOf(flat: FlatEpic, leaf: string): string[] {
  const owners: string[] = [leaf];
  for (let c = flat.containerOf.get(leaf); c; c = flat.containerOf.get(c)) owners.push(c);
  owners.push(flat.epicId);
  return owners;
}

export function resolveDependencies(tree: BeadsTree, flat: FlatEpic, file: string, runEpics?: ReadonlySet<string>): LeafDependencies {
  const outgoing = outgoingEdges(tree);
  const result: LeafDependencies = { deps: new Map(), links: new Map(), skipReason: new Map(), cross: new Map() };
  const problems: string[] = [];
  for (const leaf of flat.leaves) {
    const done = tree.src.issues.get(leaf)!.status === 'closed';
    if (!done && tree.src.issues.get(leaf)!.status === 'deferred') result.skipReason.set(leaf, 'deferred');
    const mine = new Set<string>();
    const myLinks: BeadsLink[] = [];
    for (const owner of ownersOf(flat, leaf)) {
      for (const { to, type } of outgoing.get(owner) ?? []) {
        if (type === 'parent-child') continue;
        if (!ORDERING_EDGES.has(type)) {
          if (owner === leaf) myLinks.push({ type, target: to });
          continue;
        }
        if (to === flat.epicId || to === leaf) continue;
        if (flat.leafSet.has(to)) {
          mine.add(to);
        } else if (flat.containers.has(to)) {
          for (const l of flat.leavesUnder(to)) if (l !== leaf) mine.add(l);
        } else {
          const target = tree.src.issues.get(to) ?? tree.src.mentioned.get(to);
          const via = owner === leaf ? '' : ` (through ${owner})`;
          if (!target) {
            if (!done) problems.push(`item "${leaf}": depends on "${to}" (${type})${via}, which is not in this source`);
          } else if (target.status === 'closed' || target.status === 'tombstone') {
            if (owner === leaf) myLinks.push({ type, target: to }); // satisfied outside the epic
          } else if (!done && crossEpicDependency(tree, flat.epicId, to, runEpics)) {
            result.cross.set(leaf, [...(result.cross.get(leaf) ?? []), crossEpicDependency(tree, flat.epicId, to, runEpics)!]);
          } else if (!done && !result.skipReason.has(leaf)) {
            result.skipReason.set(leaf, `waits for ${to} (${target.status}, outside epic ${flat.epicId})${via}`);
          }
        }
      }
    }
    result.deps.set(leaf, mine);
    if (myLinks.length) result.links.set(leaf, myLinks);
  }
  if (problems.length) throw new PlanError(file, problems);
  return result;
}

/** Whatever waits for skipped work is skipped too (done items simply drop such edges); returns every skipped item. */
export function propagateSkips(tree: BeadsTree, flat: FlatEpic, resolved: LeafDependencies): SkippedSourceItem[] {
  const { deps, skipReason } = resolved;
  const isDone = (id: string) => tree.src.issues.get(id)!.status === 'closed';
  for (let changed = true; changed; ) {
    changed = false;
    for (const leaf of flat.leaves) {
      if (isDone(leaf) || skipReason.has(leaf)) continue;
      const blocker = [...deps.get(leaf)!].find((d) => skipReason.has(d));
      if (blocker) {
        skipReason.set(leaf, `waits for ${blocker}, which is skipped`);
        changed = true;
      }
    }
  }
  const skipped = [...flat.skipped];
  for (const leaf of flat.leaves) if (skipReason.has(leaf)) skipped.push({ id: leaf, reason: skipReason.get(leaf)! });
  const order = bySourceOrder(tree);
  return skipped.sort((a, b) => order(a.id, b.id));
}
