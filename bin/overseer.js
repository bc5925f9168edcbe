#!/usr/bin/env node
// The installed package runs the compiled CLI (dist/, built by `npm run build`). A source checkout runs the
// TypeScript through tsx, so development needs no build; OVERSEER_DIST=1 runs the compiled one there too.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/client/cli.js', import.meta.url);
const source = new URL('../client/cli.ts', import.meta.url);
const useSource = existsSync(source) && process.env.OVERSEER_DIST !== '1';
if (!useSource && !existsSync(compiled)) {
  console.error('overseer: dist/ is missing; build it with `npm run build`');
  process.exit(1);
}
if (useSource) (await import('tsx/esm/api')).register();
const { main } = await import(useSource ? source.href : compiled.href);
await main();
