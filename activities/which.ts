/** Finding an executable on PATH (`bd` for Beads write-back), the way a shell would. */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** The full path of `name` on `searchPath` (default: this process's PATH), or undefined. */
export function findOnPath(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}
