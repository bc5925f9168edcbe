/**
 * Builds the front end (dashboard/src → dashboard/dist, git-ignored) with esbuild. `npm run build:dashboard` runs
 * it; the server also runs it on start whenever dist is missing or older than a source file, so `overseer
 * dashboard` and the tests never serve a stale page. The package ships it prebuilt (scripts/build.mjs puts it in
 * dist/dashboard/dist, beside the compiled server) and has no sources to rebuild from.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const DASHBOARD_DIR = path.resolve(fileURLToPath(new URL('../../dashboard', import.meta.url)));
export const SRC_DIR = path.join(DASHBOARD_DIR, 'src');
export const DIST_DIR = path.join(DASHBOARD_DIR, 'dist');
const OUTPUTS = ['index.html', 'app.js', 'app.css'];

function newest(dir: string): number {
  return readdirSync(dir).reduce((m, n) => {
    const p = path.join(dir, n);
    const st = statSync(p);
    return Math.max(m, st.isDirectory() ? newest(p) : st.mtimeMs);
  }, 0);
}

export function isStale(): boolean {
  if (!existsSync(SRC_DIR)) return false; // the package: prebuilt, nothing to build from
  const outs = OUTPUTS.map((o) => path.join(DIST_DIR, o));
  if (!outs.every((o) => existsSync(o))) return true;
  const oldestOut = Math.min(...outs.map((o) => statSync(o).mtimeMs));
  return newest(SRC_DIR) > oldestOut;
}

/** Builds into a scratch folder, then renames each file into dist: a server reading dist never sees half a file. */
export async function buildDashboard(dirs = { src: SRC_DIR, dist: DIST_DIR }): Promise<void> {
  const { src, dist } = dirs;
  mkdirSync(dist, { recursive: true });
  const scratch = `${dist}.tmp-${process.pid}-${Date.now()}`;
  try {
    await build({
      entryPoints: { app: path.join(src, 'main.ts') },
      outdir: scratch,
      bundle: true,
      format: 'esm',
      target: ['es2022'],
      minify: true,
      sourcemap: false,
      logLevel: 'warning',
      loader: { '.css': 'css' },
    });
    copyFileSync(path.join(src, 'index.html'), path.join(scratch, 'index.html'));
    for (const f of OUTPUTS) renameSync(path.join(scratch, f), path.join(dist, f));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Builds only when needed. */
export async function ensureDashboardBuilt(): Promise<void> {
  if (isStale()) await buildDashboard();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await buildDashboard();
  console.log(`dashboard built into ${DIST_DIR}`);
}
