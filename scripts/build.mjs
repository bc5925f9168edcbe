#!/usr/bin/env node
// The package build: compiles the TypeScript sources to ES modules in dist/ (same layout, so paths relative to a
// module, such as agents/ and the simulated agent, stay right), adds the `.js` extensions Node's ESM loader needs,
// copies the files the code reads at run time, bundles the CLI into dist/cli/ (scripts/bundle-cli.mjs), and
// prebuilds the workflow bundle workers load (dist/workflow-bundle.js).
//   node scripts/build.mjs            # everything
//   node scripts/build.mjs --no-bundle   # skip the workflow bundle (faster; workers then bundle at start)
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundleCli } from './bundle-cli.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(ROOT, 'dist');
const SOURCES = ['client', 'common', 'workers', 'activities', 'workflows'];
const started = Date.now();

function walk(dir, keep) {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? walk(file, keep) : keep(file) ? [file] : [];
  });
}

rmSync(DIST, { recursive: true, force: true });
const entryPoints = SOURCES.flatMap((d) => walk(path.join(ROOT, d), (f) => f.endsWith('.ts') && !f.endsWith('.d.ts')));
await build({ entryPoints, outdir: DIST, outbase: ROOT, format: 'esm', platform: 'node', target: 'node20', bundle: false, logLevel: 'warning' });

// `./x` → `./x.js` or `./x/index.js`, as the sources resolve them (moduleResolution: Bundler).
const SPECIFIER = /((?:\bfrom|\bimport)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*)\2/g;
for (const file of walk(DIST, (f) => f.endsWith('.js'))) {
  const dir = path.dirname(file);
  const text = readFileSync(file, 'utf8').replace(SPECIFIER, (all, lead, q, spec) => {
    if (/\.(m?js|json)$/.test(spec)) return all;
    const target = path.resolve(dir, spec);
    if (existsSync(`${target}.js`)) return `${lead}${q}${spec}.js${q}`;
    if (existsSync(path.join(target, 'index.js'))) return `${lead}${q}${spec}/index.js${q}`;
    throw new Error(`${path.relative(ROOT, file)}: cannot resolve ${spec}`);
  });
  writeFileSync(file, text);
}

// Files read at run time, next to the code that reads them.
for (const [from, to] of [
  ['agents', 'agents'],
  ['examples', 'examples'],
  ['test/fixtures/fake-claude.mjs', 'test/fixtures/fake-claude.mjs'],
  ['test/fixtures/dir-lock.mjs', 'test/fixtures/dir-lock.mjs'],
]) {
  if (existsSync(path.join(ROOT, from))) cpSync(path.join(ROOT, from), path.join(DIST, to), { recursive: true });
}
console.log(`compiled ${entryPoints.length} modules to dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);

// The dashboard's front end, prebuilt beside the compiled server (dist/client/dashboard finds ../../dashboard/dist).
const { buildDashboard } = await import(pathToFileURL(path.join(DIST, 'client', 'dashboard', 'build.js')).href);
await buildDashboard({ src: path.join(ROOT, 'dashboard', 'src'), dist: path.join(DIST, 'dashboard', 'dist') });
console.log('dashboard front end: dist/dashboard/dist');
const bundled = Date.now();
await bundleCli({ root: ROOT, dist: DIST });
console.log(`CLI bundle: dist/cli/ in ${((Date.now() - bundled) / 1000).toFixed(1)} s`);

if (!process.argv.includes('--no-bundle')) {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const noop = () => undefined;
  // As workers/bundle.ts WORKFLOW_INTERCEPTOR_MODULES (one bundle, tracing on or off).
  const modules = [path.join(ROOT, 'workflows', 'interceptors.ts'), path.join(ROOT, 'workflows', 'tracing-interceptors.ts')];
  const t = Date.now();
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(ROOT, 'workflows', 'index.ts'),
    workflowInterceptorModules: modules,
    logger: { log: noop, trace: noop, debug: noop, info: noop, warn: (m) => console.warn(m), error: (m) => console.error(m) },
  });
  mkdirSync(DIST, { recursive: true });
  writeFileSync(path.join(DIST, 'workflow-bundle.js'), code);
  console.log(`workflow bundle: dist/workflow-bundle.js (${Math.round(code.length / 1024)} KiB) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
