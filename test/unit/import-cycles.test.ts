// No import circles anywhere in the repository (issue 10): a circle makes module initialization order matter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importCycles, importGraph } from '../helpers/import-graph';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('the import graph has no circles', () => {
  const cycles = importCycles(importGraph(root)).map((c) => c.map((f) => path.relative(root, f)).join(' ↔ '));
  assert.deepEqual(cycles, []);
});

test('the cycle finder sees a circle (a → b → a)', () => {
  const graph = new Map([['a', ['b']], ['b', ['a']], ['c', ['a']]]);
  assert.deepEqual(importCycles(graph), [['a', 'b']]);
});
