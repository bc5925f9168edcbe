/** The fake Beads CLI (test/fixtures/fake-bd.mjs) installed as `bd` in a folder for PATH, and Beads projects. */
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './repo';

export const FAKE_BD = fileURLToPath(new URL('../fixtures/fake-bd.mjs', import.meta.url));

/** A folder holding an executable `bd` that runs the fake; put it first on PATH. */
export function fakeBdBin(): string {
  const bin = tempDir('bd-bin');
  const bd = path.join(bin, 'bd');
  writeFileSync(bd, `#!/bin/sh\nexec '${process.execPath}' '${FAKE_BD}' "$@"\n`);
  chmodSync(bd, 0o755);
  return bin;
}

/** Prepends `dir` to this process's PATH (the worker runs in this process); returns a function that restores it. */
export function prependPath(dir: string): () => void {
  const before = process.env.PATH;
  process.env.PATH = `${dir}${path.delimiter}${before ?? ''}`;
  return () => {
    process.env.PATH = before;
  };
}

/** A project folder with `.beads/issues.jsonl` holding `jsonl`. */
export function beadsProject(jsonl: string): string {
  const dir = tempDir('beads');
  mkdirSync(path.join(dir, '.beads'));
  writeFileSync(path.join(dir, '.beads', 'issues.jsonl'), jsonl);
  return dir;
}

export interface BdCall {
  argv: string[];
  cwd: string;
}

export function bdCalls(project: string): BdCall[] {
  const file = path.join(project, '.beads', 'fake-bd-calls.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as BdCall);
}

/** The issues in the fake database now. */
export function bdIssues(project: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const line of readFileSync(path.join(project, '.beads', 'issues.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as Record<string, unknown>;
    if ((r._type ?? 'issue') === 'issue') out.set(r.id as string, r);
  }
  return out;
}
