/** Dispatch order and names derived from ids. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { criticalPathLengths, findCycle, readyItems, transitiveDependents, type DagNode } from '../../common/dag';
import { itemBranch, repoKey, safeComponent } from '../../common/ids';
import { parseDuration } from '../../common/durations';

const nodes = [
  { id: 'auth-1', dependsOn: [], priority: 1 },
  { id: 'auth-2', dependsOn: [], priority: 2 },
  { id: 'auth-3', dependsOn: [], priority: 2 },
  { id: 'auth-4', dependsOn: ['auth-1'], priority: 1 },
  { id: 'auth-5', dependsOn: ['auth-4'], priority: 1 },
  { id: 'auth-6', dependsOn: ['auth-5', 'auth-3'], priority: 1 },
];

describe('dispatch order', () => {
  it('orders the first ready set by priority, then critical path, then id', () => {
    const critical = criticalPathLengths(nodes);
    assert.equal(critical.get('auth-1'), 4);
    assert.equal(critical.get('auth-3'), 2);
    const ready = readyItems(nodes, critical, () => true, () => false).map((n) => n.id);
    // auth-3 has a dependent (auth-6), auth-2 has none: same priority, longer path first.
    assert.deepEqual(ready, ['auth-1', 'auth-3', 'auth-2']);
  });

  it('starts a dependent the moment its dependencies are satisfied (no waves)', () => {
    const critical = criticalPathLengths(nodes);
    const satisfied = new Set(['auth-1']);
    const pending = new Set(['auth-4', 'auth-5', 'auth-6']);
    const ready = readyItems(nodes, critical, (id) => pending.has(id), (id) => satisfied.has(id)).map((n) => n.id);
    assert.deepEqual(ready, ['auth-4']);
  });

  it('holds later phases behind phase barriers', () => {
    const phased = [
      { id: 'a', dependsOn: [], phase: 1 },
      { id: 'b', dependsOn: [], phase: 2 },
    ];
    const critical = criticalPathLengths(phased);
    assert.deepEqual(readyItems(phased, critical, () => true, () => false, true).map((n) => n.id), ['a']);
    assert.deepEqual(readyItems(phased, critical, () => true, () => false, false).map((n) => n.id), ['a', 'b']);
  });

  it('with estimates, starts the ready item with the longest chain of estimated work first', () => {
    // By items, "long" (one item) would wait for "a" (a chain of two); by estimates its 3 h beat a's 20 + 30 min.
    const plan: DagNode[] = [
      { id: 'a', dependsOn: [], estimate: '20m' },
      { id: 'a2', dependsOn: ['a'], estimate: '30m' },
      { id: 'long', dependsOn: [], estimate: '3h' },
      { id: 'unknown', dependsOn: [] }, // no estimate: counts as the median (30 min)
    ];
    const ready = (nodes: DagNode[]) => readyItems(nodes, criticalPathLengths(nodes), (id) => id !== 'a2', () => false).map((n) => n.id);
    assert.deepEqual(ready(plan), ['long', 'a', 'unknown']);
    assert.equal(criticalPathLengths(plan).get('a'), 50);
    const none = plan.map(({ id, dependsOn }) => ({ id, dependsOn }));
    assert.deepEqual(ready(none), ['a', 'long', 'unknown'], 'without estimates: the chain in items, then id');
    assert.equal(criticalPathLengths(none).get('a'), 2);
  });

  it('finds cycles and dependents', () => {
    assert.deepEqual(findCycle([{ id: 'x', dependsOn: ['y'] }, { id: 'y', dependsOn: ['x'] }]), ['x', 'y', 'x']);
    assert.equal(findCycle(nodes), undefined);
    assert.deepEqual([...transitiveDependents(nodes, 'auth-4')].sort(), ['auth-5', 'auth-6']);
  });
});

describe('names from ids', () => {
  it('keeps ordinary ids and rewrites what git refuses', () => {
    assert.equal(itemBranch('auth', 'auth-1'), 'overseer/auth/auth-1');
    assert.equal(itemBranch('bd-auth', 'bd-auth.1'), 'overseer/bd-auth/bd-auth.1');
    for (const bad of ['..', '.hidden', 'x.lock', 'end.', '-dash', 'a..b']) {
      const c = safeComponent(bad);
      assert.ok(!/^[.-]|\.\.|\.lock$|\.$/.test(c), `${bad} → ${c} is a valid ref component`);
    }
    assert.notEqual(safeComponent('a..b'), safeComponent('a_b'));
  });

  it('keys repositories by path', () => {
    assert.match(repoKey('/home/me/proj'), /^proj-[0-9a-f]{8}$/);
    assert.notEqual(repoKey('/a/proj'), repoKey('/b/proj'));
    assert.equal(repoKey('/a/proj/'), repoKey('/a/proj'));
  });

  it('parses durations', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.throws(() => parseDuration('soon'));
  });
});
