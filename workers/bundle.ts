/**
 * The workflow bundle, built once and cached on disk by a hash of the workflow sources (webpack takes seconds;
 * tests and `overseer dev` restarts reuse it).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundlePath, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WORKFLOWS_PATH = path.join(ROOT, 'workflows', 'index.ts');
/**
 * The workflow interceptors of the bundle: activity summaries for the Web UI, and the OpenTelemetry workflow
 * interceptors (spans of workflow runs, signal and update handlers, activities, child workflows, signals and
 * continue-as-new, context passed on in headers; workflows/tracing-interceptors.ts). Every worker runs this one bundle, tracing on or off: interceptors add awaits, and
 * where two promise chains resolve in one workflow task the order of their commands depends on them, so a bundle
 * without the tracing interceptors would not replay every history of one with them (it did not, in
 * test/e2e/tracing.test.ts). With tracing off the spans are dropped by UNTRACED_SINKS.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [path.join(ROOT, 'workflows', 'interceptors.ts'), path.join(ROOT, 'workflows', 'tracing-interceptors.ts')];

/** The workflow span sink of a worker with tracing off (workers/tracing.ts has the real one): spans are dropped. */
export const UNTRACED_SINKS = { exporter: { export: { fn: (): void => undefined } } };

function sourceHash(): string {
  return (hashCache ??= computeHash());
}

let hashCache: string | undefined;

/** A hash of the workflow sources (and the lockfile): part of the default build id. */
export const bundleHash = (): string => sourceHash();

function computeHash(): string {
  const h = createHash('sha256');
  // The compiled package carries its prebuilt bundle (and no workflow sources): that is its code.
  if (existsSync(PREBUILT_BUNDLE)) return h.update(readFileSync(PREBUILT_BUNDLE)).digest('hex').slice(0, 16);
  // Every .ts file below workflows/ and common/, subfolders included (a stale bundle would replay old code).
  for (const dir of ['workflows', 'common']) {
    const files = readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).sort();
    for (const file of files) h.update(file).update(readFileSync(path.join(ROOT, dir, file)));
  }
  h.update(readFileSync(path.join(ROOT, 'package-lock.json')));
  // The interceptors are code of the bundle too: they take part in the order of a workflow's commands.
  h.update(JSON.stringify(WORKFLOW_INTERCEPTOR_MODULES.map((m) => path.relative(ROOT, m).split(path.sep).join('/'))));
  return h.digest('hex').slice(0, 16);
}

let cached: Promise<WorkflowBundleWithSourceMap | WorkflowBundlePath> | undefined;

/** Prebuilt by the package build (scripts/build.mjs) next to the compiled code; absent in a source checkout. */
export const PREBUILT_BUNDLE = path.join(ROOT, 'workflow-bundle.js');

/** The workflow bundle every worker runs (built once, or the package's prebuilt one). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap | WorkflowBundlePath> {
  return (cached ??= buildBundle());
}

async function buildBundle(): Promise<WorkflowBundleWithSourceMap | WorkflowBundlePath> {
  if (existsSync(PREBUILT_BUNDLE)) return { codePath: PREBUILT_BUNDLE };
  const dir = path.join(ROOT, 'node_modules', '.cache', 'overseer');
  const file = path.join(dir, `workflows-${sourceHash()}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as WorkflowBundleWithSourceMap;
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, logger: quietLogger });
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(bundle));
  return bundle;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
