/**
 * The workflow bundle, built once and cached on disk by a hash of the workflow sources (webpack takes seconds;
 * tests and `overseer dev` restarts reuse it).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundlePath, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WORKFLOWS_PATH = path.join(ROOT, 'workflows', 'index.ts');
/** Workflow interceptors every bundle carries (activity summaries for the Web UI). */
export const WORKFLOW_INTERCEPTOR_MODULES = [path.join(ROOT, 'workflows', 'interceptors.ts')];
/**
 * The OpenTelemetry workflow interceptors (spans of workflow runs, handlers, activities, child workflows, signals
 * and continue-as-new, context passed on in headers), carried only by the tracing bundle: a worker with tracing
 * off runs exactly the bundle it ran before. Both bundles replay each other's histories (test/workflow/replay.test.ts).
 */
export const TRACING_INTERCEPTOR_MODULE = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

const interceptorModules = (tracing: boolean): string[] => (tracing ? [...WORKFLOW_INTERCEPTOR_MODULES, TRACING_INTERCEPTOR_MODULE] : WORKFLOW_INTERCEPTOR_MODULES);

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
  return h.digest('hex').slice(0, 16);
}

const cached = new Map<boolean, Promise<WorkflowBundleWithSourceMap | WorkflowBundlePath>>();

/** Prebuilt by the package build (scripts/build.mjs) next to the compiled code; absent in a source checkout. */
export const PREBUILT_BUNDLE = path.join(ROOT, 'workflow-bundle.js');
/** The prebuilt tracing bundle (with TRACING_INTERCEPTOR_MODULE). */
export const PREBUILT_TRACING_BUNDLE = path.join(ROOT, 'workflow-bundle-otel.js');

/**
 * The workflow bundle; `tracing`: the one with the OpenTelemetry workflow interceptors (workers with
 * OTEL_EXPORTER_OTLP_ENDPOINT set). Same workflow code, so the same build id.
 */
export function workflowBundle(opts: { tracing?: boolean } = {}): Promise<WorkflowBundleWithSourceMap | WorkflowBundlePath> {
  const tracing = opts.tracing ?? false;
  let bundle = cached.get(tracing);
  if (!bundle) {
    bundle = buildBundle(tracing);
    cached.set(tracing, bundle);
  }
  return bundle;
}

async function buildBundle(tracing: boolean): Promise<WorkflowBundleWithSourceMap | WorkflowBundlePath> {
  const prebuilt = tracing ? PREBUILT_TRACING_BUNDLE : PREBUILT_BUNDLE;
  if (existsSync(prebuilt)) return { codePath: prebuilt };
  const dir = path.join(ROOT, 'node_modules', '.cache', 'overseer');
  const file = path.join(dir, `workflows-${sourceHash()}${tracing ? '-otel' : ''}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as WorkflowBundleWithSourceMap;
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: interceptorModules(tracing), logger: quietLogger });
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(bundle));
  return bundle;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
