/** Where the package is installed and its version, found from this module (source tree or compiled dist/). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The folder holding Overseer's package.json (the repository, or the installed package). */
export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'overseer') return (root = dir);
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the overseer package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The folder the running code was compiled into (dist/) or its sources (the repository root). */
export function codeRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}
