/**
 * The plans of a multi-epic run: every source given (native, Beads, ccw, in any mix), `--beads --all` (every open
 * epic of the Beads database) and `<.workflow> --all` (every active ccw session). Native plans may name another
 * epic of the run in `dependsOn`; Beads edges to another epic of the run become cross-epic dependencies.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPlan, type SourceOptions } from '../importers/index';
import { listBeadsEpics } from '../importers/beads';
import { parsePlanText } from '../importers/native';
import type { LoadedPlan } from './assemble';

export interface ProgramSourceOptions extends SourceOptions {
  all?: boolean;
}

/** Whether `overseer run` starts a program (several epics) rather than one epic as today. */
export function isProgramRun(sources: string[], opts: ProgramSourceOptions): boolean {
  return sources.length > 1 || Boolean(opts.all);
}

export async function loadPrograms(sources: string[], opts: ProgramSourceOptions): Promise<LoadedPlan[]> {
  const loaded: LoadedPlan[] = [];
  if (opts.all && (opts.beads || sources.length === 0)) loaded.push(...(await allBeadsEpics(sources[0], opts)));
  const rest = opts.all && opts.beads ? sources.slice(1) : sources;
  const expanded = rest.flatMap((s) => (opts.all ? activeCcwSessions(s, opts.cwd) ?? [s] : [s]));
  const epicIds = new Set(await Promise.all(expanded.map((s) => nativeEpicId(s, opts.cwd))));
  for (const source of expanded) {
    if (opts.all && !opts.beads && /\.jsonl$|\.beads\/?$/.test(source)) {
      loaded.push(...(await allBeadsEpics(source, opts)));
      continue;
    }
    const own = await nativeEpicId(source, opts.cwd);
    const otherEpics = new Set([...epicIds, ...loaded.map((l) => l.plan.epicId)].filter((e): e is string => Boolean(e) && e !== own));
    loaded.push({ file: source, plan: await loadPlan(source, { ...opts, beads: false, otherEpics }) });
  }
  return loaded;
}

/** Every open epic of a Beads source, each knowing the others (so edges between them order the work). */
async function allBeadsEpics(source: string | undefined, opts: ProgramSourceOptions): Promise<LoadedPlan[]> {
  const epics = await listBeadsEpics(source, opts);
  const runEpics = new Set(epics);
  const out: LoadedPlan[] = [];
  for (const epic of epics) out.push({ file: source ?? 'bd export', plan: await loadPlan(source, { ...opts, beads: source === undefined, epic, runEpics }) });
  return out;
}

/** `.workflow` (or `.workflow/active`) → its active sessions; undefined when the folder is not one. */
function activeCcwSessions(source: string, cwd = process.cwd()): string[] | undefined {
  const abs = path.resolve(cwd, source);
  const active = path.basename(abs) === 'active' ? abs : path.join(abs, 'active');
  if (!existsSync(active) || !statSync(active).isDirectory()) return undefined;
  const sessions = readdirSync(active).filter((d) => d.startsWith('WFS-')).sort();
  return sessions.map((d) => path.join(path.relative(cwd, active) || '.', d));
}

/** The epic id a native plan file declares (for cross-epic names), or undefined for other sources. */
async function nativeEpicId(source: string, cwd = process.cwd()): Promise<string | undefined> {
  if (!/\.(ya?ml|json)$/i.test(source) || !existsSync(path.resolve(cwd, source))) return undefined;
  try {
    const raw = parsePlanText(await readFile(path.resolve(cwd, source), 'utf8'), source) as { epicId?: unknown };
    return typeof raw?.epicId === 'string' ? raw.epicId : undefined;
  } catch {
    return undefined; // loadPlan reports it
  }
}
