/** The dashboard's graph layout (ELK): every item placed, no two overlapping, edges routed along the dependencies. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { layoutDag, NODE_HEIGHT, NODE_WIDTH } from '../../client/dashboard/layout';

function overlaps(a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('dashboard graph layout', () => {
  it('lays out 300 items in chains, without overlaps, dependencies left of their dependents', async () => {
    const nodes = Array.from({ length: 300 }, (_, i) => ({ id: `i${i}`, title: `Item ${i}`, dependsOn: i % 10 === 0 ? [] : [`i${i - 1}`] }));
    const layout = await layoutDag(nodes);
    assert.equal(layout.nodes.length, 300);
    assert.equal(layout.edges.length, 270);
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < layout.nodes.length; i++) {
      const a = layout.nodes[i];
      assert.equal(a.width, NODE_WIDTH);
      assert.equal(a.height, NODE_HEIGHT);
      for (let j = i + 1; j < layout.nodes.length; j++) assert.ok(!overlaps(a, layout.nodes[j]), `${a.id} overlaps ${layout.nodes[j].id}`);
    }
    for (const e of layout.edges) {
      assert.ok(byId.get(e.from)!.x < byId.get(e.to)!.x, `${e.from} → ${e.to} points right`);
      assert.ok(e.points.length >= 2);
    }
    assert.ok(layout.width > 0 && layout.height > 0);
    assert.strictEqual(await layoutDag(nodes), layout, 'the same DAG is laid out once (cached)');
  });

  it('leaves out dependencies on other epics and keeps a diamond readable', async () => {
    const layout = await layoutDag([
      { id: 'a', title: 'A', dependsOn: ['other-epic/x'] },
      { id: 'b', title: 'B', dependsOn: ['a'] },
      { id: 'c', title: 'C', dependsOn: ['a'] },
      { id: 'd', title: 'D', dependsOn: ['b', 'c'] },
    ]);
    assert.deepEqual(layout.edges.map((e) => `${e.from}>${e.to}`).sort(), ['a>b', 'a>c', 'b>d', 'c>d']);
  });
});
