/**
 * A large, deterministic Beads export for tests and bench/: many epics with hash and dotted child ids, nested
 * epics, every ordering edge type, links, cross-epic edges (satisfied and open), closed, deferred, tombstoned and
 * opaquely-statused children, role labels and role-named assignees, memories and unrelated issues. Each epic comes
 * with the plan it must import to, derived from how it was built.
 */

export interface ExpectedItem {
  dependsOn: string[];
  done: boolean;
  role?: string;
  priority: number;
}

export interface GeneratedEpic {
  id: string;
  items: Map<string, ExpectedItem>;
  /** Children left out: tombstones, deferred, waiting for open work outside the epic (or for skipped work), containers. */
  skipped: Set<string>;
}

export interface GeneratedExport {
  text: string;
  epics: GeneratedEpic[];
  issueCount: number;
  edgeTypes: Set<string>;
}

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}

const ROLES = ['backend-engineer', 'frontend-engineer', 'database-engineer', 'qa-engineer', 'code-developer'];
const ORDERING = ['blocks', 'conditional-blocks', 'waits-for'] as const;
const LINKS = ['related', 'discovered-from', 'duplicates', 'supersedes', 'relates-to'] as const;
const OPAQUE = ['open', 'open', 'open', 'in_progress', 'blocked', 'review', 'hooked'];
const T = '2026-11-02T10:00:00Z';

interface Rec {
  id: string;
  title: string;
  status: string;
  priority: number;
  issue_type: string;
  labels?: string[];
  assignee?: string;
  dependencies: { issue_id: string; depends_on_id: string; type: string; created_at: string }[];
}

export function generateBeadsExport(opts: { epics?: number; seed?: number } = {}): GeneratedExport {
  const r = rng(opts.seed ?? 42);
  const nEpics = opts.epics ?? 60;
  const used = new Set<string>();
  const hashId = () => {
    for (;;) {
      const id = `gx-${r.int(36 ** 5).toString(36).padStart(5, '0')}`;
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
  };
  const recs: Rec[] = [];
  const edgeTypes = new Set<string>();
  const rec = (id: string, title: string, extra: Partial<Rec> = {}): Rec => {
    const x: Rec = { id, title, status: 'open', priority: r.int(5), issue_type: 'task', dependencies: [], ...extra };
    recs.push(x);
    return x;
  };
  const dep = (from: Rec, to: string, type: string) => {
    from.dependencies.push({ issue_id: from.id, depends_on_id: to, type, created_at: T });
    edgeTypes.add(type);
  };

  // Unrelated issues: link targets, and open blockers outside any epic.
  const standalone = Array.from({ length: 40 }, (_, i) => rec(hashId(), `Chore ${i}`, { issue_type: 'chore', status: i % 4 === 0 ? 'closed' : 'open' }));
  const openOutside = standalone.filter((s) => s.status === 'open');
  const closedOutside: string[] = standalone.filter((s) => s.status === 'closed').map((s) => s.id);

  const epics: GeneratedEpic[] = [];
  for (let e = 0; e < nEpics; e++) {
    const dotted = e % 2 === 0;
    const epic = rec(dotted ? `ge${e}` : hashId(), `Epic ${e}`, { issue_type: e % 7 === 3 ? 'feature' : 'epic' });
    let n = 0;
    const childId = (parent: string) => (dotted ? `${parent}.${++n}` : hashId());
    const expectedDeps = new Map<string, Set<string>>();
    const status = new Map<string, string>();
    const roles = new Map<string, string | undefined>();
    const skipped = new Set<string>();
    const blockedOutside = new Set<string>();

    const makeLeaf = (parent: Rec, i: number): Rec => {
      const leaf = rec(childId(parent.id), `Task ${e}.${i}`);
      dep(leaf, parent.id, 'parent-child');
      const roll = r.next();
      if (roll < 0.5) {
        const role = r.pick(ROLES);
        leaf.labels = [`role:${role}`, 'generated'];
        roles.set(leaf.id, role);
      } else if (roll < 0.7) {
        leaf.assignee = r.pick(ROLES);
        roles.set(leaf.id, leaf.assignee);
      } else if (roll < 0.85) {
        leaf.assignee = 'alice'; // not a role
      }
      leaf.status = r.chance(0.15) ? 'closed' : r.pick(OPAQUE);
      status.set(leaf.id, leaf.status);
      expectedDeps.set(leaf.id, new Set());
      return leaf;
    };

    // Top-level children with ordering edges to earlier ones.
    const top: Rec[] = [];
    const count = 6 + r.int(7);
    for (let i = 0; i < count; i++) {
      const leaf = makeLeaf(epic, i);
      if (i > 0 && r.chance(0.6)) {
        for (let k = 0; k < 1 + r.int(2); k++) {
          const target = top[r.int(top.length)];
          dep(leaf, target.id, r.pick(ORDERING));
          expectedDeps.get(leaf.id)!.add(target.id);
        }
      }
      if (r.chance(0.3)) dep(leaf, r.pick(recs).id, r.pick(LINKS)); // anything anywhere, orders nothing
      top.push(leaf);
    }
    // A deleted child some work still points at: the edge is dropped.
    if (e % 4 === 1) {
      const tomb = rec(childId(epic.id), `Deleted ${e}`, { status: 'tombstone' });
      dep(tomb, epic.id, 'parent-child');
      skipped.add(tomb.id);
      dep(top[top.length - 1], tomb.id, 'blocks');
    }
    // Cross-epic edges: a closed issue outside is satisfied; an open one holds the child (and what waits for it) back.
    if (e > 0 && r.chance(0.5)) dep(top[1], r.pick(closedOutside), 'blocks');
    if (e % 5 === 2) {
      const held = top[top.length - 1];
      if (status.get(held.id) !== 'closed') {
        dep(held, r.pick(openOutside).id, r.pick(ORDERING));
        blockedOutside.add(held.id);
      }
    }
    // A nested epic (container): it waits for top[0]; its children inherit that; the last top child waits for all of them.
    let nestedLeaves: Rec[] = [];
    if (e % 3 === 0) {
      const nested = rec(childId(epic.id), `Nested ${e}`, { issue_type: e % 2 ? 'epic' : 'task' });
      dep(nested, epic.id, 'parent-child');
      dep(nested, top[0].id, 'blocks');
      skipped.add(nested.id);
      const m = 2 + r.int(3);
      for (let i = 0; i < m; i++) {
        const leaf = makeLeaf(nested, 100 + i);
        expectedDeps.get(leaf.id)!.add(top[0].id);
        if (i > 0 && r.chance(0.5)) {
          const target = nestedLeaves[r.int(nestedLeaves.length)];
          dep(leaf, target.id, r.pick(ORDERING));
          expectedDeps.get(leaf.id)!.add(target.id);
        }
        nestedLeaves.push(leaf);
      }
      const last = top[top.length - 1];
      dep(last, nested.id, 'waits-for');
      for (const l of nestedLeaves) expectedDeps.get(last.id)!.add(l.id);
    }
    // A deferred child nobody waits for.
    if (e % 6 === 5) {
      const deferred = makeLeaf(epic, 99);
      deferred.status = 'deferred';
      skipped.add(deferred.id);
      expectedDeps.delete(deferred.id);
    }

    // What is held back: waits for open work outside, then whatever waits for that (done children never are).
    for (const id of blockedOutside) skipped.add(id);
    for (let changed = true; changed; ) {
      changed = false;
      for (const [id, deps] of expectedDeps) {
        if (skipped.has(id) || status.get(id) === 'closed') continue;
        if ([...deps].some((d) => skipped.has(d))) {
          skipped.add(id);
          changed = true;
        }
      }
    }
    const items = new Map<string, ExpectedItem>();
    const leafRecs = [...top, ...nestedLeaves];
    for (const leaf of leafRecs) {
      if (skipped.has(leaf.id)) continue;
      items.set(leaf.id, {
        dependsOn: [...expectedDeps.get(leaf.id)!].filter((d) => !skipped.has(d)).sort(),
        done: leaf.status === 'closed',
        ...(roles.get(leaf.id) && { role: roles.get(leaf.id) }),
        priority: leaf.priority,
      });
    }
    epics.push({ id: epic.id, items, skipped });
    nestedLeaves = [];
  }

  const lines = recs.map((x) =>
    JSON.stringify({
      _type: 'issue',
      id: x.id,
      title: x.title,
      description: `${x.title}: generated work.`,
      status: x.status,
      priority: x.priority,
      issue_type: x.issue_type,
      ...(x.labels && { labels: x.labels }),
      ...(x.assignee && { assignee: x.assignee }),
      created_at: T,
      updated_at: T,
      ...(x.dependencies.length && { dependencies: x.dependencies }),
      dependency_count: x.dependencies.length,
      dependent_count: 0,
      comment_count: 0,
    }),
  );
  // Memories between the issues.
  for (let i = 0; i < 5; i++) lines.splice(1 + i * 97, 0, JSON.stringify({ _type: 'memory', key: `k${i}`, value: `v${i}` }));
  return { text: lines.join('\n') + '\n', epics, issueCount: recs.length, edgeTypes };
}
