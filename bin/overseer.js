#!/usr/bin/env node
// The installed package runs the compiled CLI (dist/, built by `npm run build`). A source checkout runs the
// TypeScript through tsx, so development needs no build; OVERSEER_DIST=1 runs the compiled one there too.
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node ≥ 22.1 keeps the compiled code of the modules on disk between runs (a no-op where it is missing).
module.enableCompileCache?.();

// The compiled CLI is one bundle (dist/cli/), quick to load. Commands that run a worker use the per-file modules
// instead: the worker loads the SDK from node_modules, and its activities and the command must share that copy.
const WORKER_COMMANDS = ['dev', 'worker', 'demo'];
const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
const compiled = new URL(WORKER_COMMANDS.includes(command) ? '../dist/client/cli.js' : '../dist/cli/cli.js', import.meta.url);
const source = new URL('../client/cli.ts', import.meta.url);
const useSource = existsSync(source) && process.env.OVERSEER_DIST !== '1';
if (!useSource && !existsSync(compiled)) {
  console.error('overseer: dist/ is missing; build it with `npm run build`');
  process.exit(1);
}
if (useSource) (await import('tsx/esm/api')).register();
const { main } = await import(useSource ? source.href : compiled.href);
await main();
