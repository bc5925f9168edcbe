/**
 * Sums up V8 CPU profiles (`node --cpu-prof`, or `bench/hosts.ts --cpu-prof <dir>`): for each profile (one per
 * thread: a worker's main thread and its workflow thread), how long it was busy, and where that time went by
 * package or file and by function (self time, the `--top` largest).
 *
 *   npx tsx bench/cpu-profile.ts <dir or .cpuprofile files...> [--top 12]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { numberOption, positionals } from './args';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface Profile { nodes: { id: number; callFrame: CallFrame }[]; samples: number[]; timeDeltas: number[] }

const top = numberOption('top', 12);

/** A frame's package (`@scope/name` under node_modules), else its file relative to the repository, else its name. */
function where(cf: CallFrame): string {
  const pkg = cf.url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (/workflow-bundle/.test(cf.url)) return '(workflow bundle)';
  if (!cf.url) return cf.functionName || '(native)';
  return cf.url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
}

/** A frame's file: below node_modules, or relative to the repository. */
function fileOf(cf: CallFrame): string {
  return cf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '') || cf.functionName;
}

const short = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}...` : text);

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

function summarize(file: string): void {
  let p: Profile;
  try {
    p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  } catch (err) {
    throw new Error(`${file}: not a CPU profile (${(err as Error).message})`);
  }
  const frames = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  let idle = 0;
  p.samples.forEach((id, i) => {
    const us = p.timeDeltas[i] ?? 0;
    const cf = frames.get(id)!;
    total += us;
    if (cf.functionName === '(idle)') return void (idle += us);
    add(byPlace, where(cf), us);
    add(byFunction, short(cf.url ? `${cf.functionName || '(anonymous)'} (${fileOf(cf)}:${cf.lineNumber + 1})` : cf.functionName), us);
  });
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  console.log(`${path.basename(file)}: ${(total / 1e6).toFixed(1)} s profiled, busy ${((total - idle) / 1e6).toFixed(2)} s`);
  for (const [k, us] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${ms(us)}  ${short(k)}`);
  console.log('  by function (self):');
  for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${ms(us)}  ${k}`);
}

const args = positionals(['top']);
if (!args.length) throw new Error('usage: npx tsx bench/cpu-profile.ts <dir or .cpuprofile files...> [--top 12]');
const files = args.flatMap((a) => (statSync(a).isDirectory() ? readdirSync(a).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => path.join(a, f)) : [a]));
for (const f of files) summarize(f);
