// The CLI as one bundle (dist/cli/cli.js and the chunks its lazy imports load), so a command such as
// `overseer status` loads a few files instead of hundreds through Node's CommonJS loader. Commands that run a worker
// (dev, worker, demo) keep running the per-file modules in dist/: see bin/overseer.js.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import protobuf from 'protobufjs';

// Native addons, packages that read their own files or spawn binaries, and the worker side of the SDK (one copy of
// it per process: the worker and its activities must share @temporalio/activity's context). @temporalio/workflow
// stays in: common/api.ts takes its define* helpers from it, and loading it from node_modules costs 0.1 s.
const EXTERNAL = [
  '@temporalio/worker',
  '@temporalio/core-bridge',
  '@temporalio/activity',
  '@temporalio/testing',
  '@temporalio/interceptors-opentelemetry',
  '@opentelemetry/*',
  'esbuild',
  'elkjs',
  // Required by @grpc/grpc-js only for channelz and ORCA, which the CLI never turns on: not worth parsing at start.
  '@grpc/proto-loader',
  '*.node',
];

/**
 * A module that finds files next to itself (agents/, the workflow bundle, the simulated agent) sees the URL it has
 * in the per-file layout (dist/<its path>.js), not the chunk it was bundled into.
 */
function ownLocation(root, outdir, dist) {
  return {
    name: 'own-location',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const text = await readFile(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const compiled = path.join(dist, path.relative(root, args.path)).replace(/\.ts$/, '.js');
        const rel = path.relative(outdir, compiled).split(path.sep).join('/');
        return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
}

/**
 * @temporalio/proto's descriptor (1.4 MB) is a JavaScript object literal; as a JSON.parse of a string V8 reads it in
 * about two thirds of the time (88 ms against 55 ms to load it here). It also carries Temporal Cloud's operations API
 * (a fifth of its types), which the CLI never calls and protobufjs builds at every start: the bundle's copy leaves
 * it out, after checking that every type left still resolves. Left as it is when the file does not have the shape
 * this expects.
 */
function withoutCloudApi(descriptor) {
  const api = descriptor.temporal?.nested?.api?.nested;
  if (!api?.cloud) return descriptor;
  const pruned = JSON.parse(JSON.stringify(descriptor));
  delete pruned.temporal.nested.api.nested.cloud;
  try {
    new protobuf.Root().addJSON(pruned).resolveAll(); // throws if a type left refers to one taken out
    return pruned;
  } catch (err) {
    console.warn(`CLI bundle: keeping temporal.api.cloud in the proto descriptor (${err.message})`);
    return descriptor;
  }
}

function protoDescriptorAsJson() {
  return {
    name: 'proto-descriptor-as-json',
    setup(b) {
      b.onLoad({ filter: /@temporalio[\\/]proto[\\/]protos[\\/]json-module\.js$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        const start = text.indexOf('.addJSON(');
        const end = text.lastIndexOf('});');
        if (start < 0 || end < start || text.indexOf('.addJSON(', start + 1) >= 0) return undefined;
        let descriptor;
        try {
          descriptor = JSON.parse(text.slice(start + '.addJSON('.length, end + 1));
        } catch {
          return undefined;
        }
        descriptor = withoutCloudApi(descriptor);
        const json = JSON.stringify(JSON.stringify(descriptor));
        return { contents: `${text.slice(0, start)}.addJSON(JSON.parse(${json})${text.slice(end + 1)}`, loader: 'js' };
      });
    },
  };
}

export async function bundleCli({ root, dist }) {
  const outdir = path.join(dist, 'cli');
  await build({
    entryPoints: [path.join(root, 'client', 'cli.ts')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    chunkNames: 'chunk-[hash]',
    minifyWhitespace: true,
    minifySyntax: true,
    // CommonJS packages in the bundle call require() for Node's modules and the externals.
    banner: { js: "import { createRequire as __overseerRequire } from 'node:module'; const require = __overseerRequire(import.meta.url);" },
    plugins: [ownLocation(root, outdir, dist), protoDescriptorAsJson()],
    logLevel: 'warning',
  });
  return path.join(outdir, 'cli.js');
}
