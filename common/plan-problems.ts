/**
 * Plan problems a person can act on: the expected type and what was found, "did you mean" for unknown fields, and
 * the line and column of the offending node (through a locator the file reader provides).
 */
import type { z } from 'zod';
import type { DagProblem } from './dag';

/** Where a path of the parsed document is in its text; undefined when the reader cannot tell. */
export type PlanLocator = (path: PropertyKey[], key?: string) => { line: number; col: number } | undefined;

export function at(locate: PlanLocator | undefined, path: PropertyKey[], key?: string): string {
  const pos = locate?.(path, key);
  return pos ? ` (line ${pos.line}, column ${pos.col})` : '';
}

export function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let node = raw;
  for (const k of path) node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[k] : undefined;
  return node;
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && Number.isInteger(v)) return 'number';
  return typeof v;
}

function shown(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

/** "expected number, got string "three"" (and a hint for the common slips). */
export function wrongType(expected: string, value: unknown): string {
  const got = typeName(value);
  const hint = expected === 'array' && (got === 'string' || got === 'number') ? ` (a list: write [${String(value)}])` : expected === 'object' && (got === 'string' || got === 'boolean') ? ' (a mapping of settings, e.g. { enabled: true })' : '';
  return `expected ${expected}, got ${got} ${shown(value)}${hint}`;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

/** The known name an unknown one was probably meant to be: same letters ignoring case and _/-, or a typo away. */
export function didYouMean(unknown: string, known: string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const same = known.find((k) => norm(k) === norm(unknown));
  if (same) return same;
  const best = known.map((k) => ({ k, d: distance(norm(unknown), norm(k)) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= (unknown.length >= 5 ? 2 : 1) ? best.k : undefined;
}

/** The keys of the object schema at `path` of the plan schema (items' elements included). */
export function knownKeysAt(schema: z.ZodType, path: PropertyKey[]): string[] {
  let node: unknown = schema;
  const unwrap = (n: unknown): unknown => {
    let cur = n as { def?: { type?: string; innerType?: unknown; element?: unknown; options?: unknown[] } };
    while (cur?.def && ['optional', 'default', 'nullable'].includes(cur.def.type ?? '')) cur = cur.def.innerType as typeof cur;
    return cur;
  };
  for (const k of path) {
    const n = unwrap(node) as { shape?: Record<string, unknown>; def?: { type?: string; element?: unknown } };
    if (typeof k === 'number') node = n.def?.type === 'array' ? n.def.element : undefined;
    else node = n.shape?.[String(k)];
  }
  const shape = (unwrap(node) as { shape?: Record<string, unknown> })?.shape;
  return shape ? Object.keys(shape) : [];
}

/** The document path of a DAG problem, for its line and column. */
export function dagProblemPath(p: DagProblem, items: unknown[]): PropertyKey[] | undefined {
  const ids = items.map((it) => (it && typeof it === 'object' ? (it as { id?: unknown }).id : undefined));
  const deps = (i: number) => {
    const d = (items[i] as { dependsOn?: unknown })?.dependsOn;
    return Array.isArray(d) ? d : [];
  };
  switch (p.kind) {
    case 'duplicate':
      return ['items', ids.lastIndexOf(p.id), 'id'];
    case 'unknown-dependency':
    case 'self-dependency': {
      const i = ids.indexOf(p.id);
      const j = deps(i).indexOf(p.kind === 'self-dependency' ? p.id : p.dependency);
      return j >= 0 ? ['items', i, 'dependsOn', j] : ['items', i];
    }
    case 'cycle': {
      const i = ids.indexOf(p.cycle[0]);
      return i >= 0 ? ['items', i, 'dependsOn'] : undefined;
    }
  }
}
