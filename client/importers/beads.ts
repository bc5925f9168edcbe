/**
 * Beads (`bd`) as a plan source (DESIGN §4): one epic of an export becomes an `EpicPlan`.
 *
 * - Children come from `parent-child` edges only (never from the shape of ids); a child that has children of its
 *   own (a nested epic) is flattened: its leaves run, they inherit its dependencies, and whatever depends on it
 *   waits for all of them.
 * - `blocks`, `conditional-blocks` and `waits-for` order the work; every other edge type is kept as a link.
 * - Closed children are kept as `done` (satisfied, never run); tombstones and deferred children are left out, and
 *   so is anything that waits for them or for open work outside the epic (listed in `source.skipped`).
 * - Role from a `role:<name>` label, or the assignee when it names a known role; priority 0–4 as given; `estimated_minutes` as the item's estimate.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { EpicPlan } from '../../common/plan';
import { normalizePlan, PlanError } from '../../common/plan-schema';
import { findOnPath } from '../../activities/which';
import { parseBeads } from './beads-records';
import { buildTree, chooseEpic, flattenEpic } from './beads-tree';
import { propagateSkips, resolveDependencies } from './beads-deps';
import { beadsWorkItems } from './beads-items';
import { openTopEpics } from './beads-cross';
import { knownRoles } from './roles';
import type { Importer, SourceOptions } from './importer';

export { ORDERING_EDGES } from './beads-deps';

export interface BeadsImportOptions {
  /** Shown in messages: the file, or `bd export`. */
  file: string;
  epic?: string;
  repoPath: string;
  writeBack: boolean;
  /** Where `bd` runs for write-back. */
  bdCwd?: string;
  roles: ReadonlySet<string>;
  /** Recorded in `source.file` (absent when the plan came from `bd export`). */
  sourceFile?: string;
  /** The other epics of a multi-epic run: edges to their open work become cross-epic dependencies. */
  runEpics?: ReadonlySet<string>;
}

export function importBeads(text: string, opts: BeadsImportOptions): EpicPlan {
  const { file } = opts;
  const src = parseBeads(text, file);
  if (src.issues.size === 0) {
    throw new PlanError(file, [`no issues found${src.ignored ? ` (${src.ignored} non-issue record${src.ignored > 1 ? 's' : ''} skipped)` : ''}`]);
  }
  const tree = buildTree(src);
  const epic = chooseEpic(tree, file, opts.epic);
  const flat = flattenEpic(tree, epic.id, file);
  const resolved = resolveDependencies(tree, flat, file, opts.runEpics);
  const skipped = propagateSkips(tree, flat, resolved);
  const items = beadsWorkItems(tree, flat, resolved, opts.roles).map((it) => (resolved.cross.has(it.id) ? { ...it, dependsOn: [...it.dependsOn, ...resolved.cross.get(it.id)!] } : it));
  if (items.length === 0) {
    throw new PlanError(file, [`epic "${epic.id}" has nothing to run: ${skipped.map((s) => `${s.id} ${s.reason}`).join('; ')}`]);
  }
  const notes: string[] = [];
  if (!src.hasEdges) {
    notes.push('this source carries no dependency edges (`bd list --json` prints none): children come from their `parent` field and nothing orders them; `bd export` keeps the ordering');
  }
  const raw = {
    epicId: epic.id,
    title: epic.title.trim() || epic.id,
    items,
    source: {
      kind: 'beads' as const,
      ...(opts.sourceFile !== undefined && { file: opts.sourceFile }),
      epic: epic.id,
      writeBack: opts.writeBack,
      ...(opts.bdCwd !== undefined && { cwd: opts.bdCwd }),
      ...(skipped.length && { skipped }),
      ...(notes.length && { notes }),
    },
  };
  return normalizePlan(raw, { file, defaultRepoPath: opts.repoPath, resolvePath: (p) => p });
}

/** Where `bd` finds the database a file came from: the folder holding `.beads/`, else the current directory. */
function bdCwdFor(file: string | undefined, cwd: string): string {
  if (!file) return cwd;
  const abs = path.resolve(cwd, file);
  const parts = abs.split(path.sep);
  const i = parts.lastIndexOf('.beads');
  return i > 0 ? parts.slice(0, i).join(path.sep) || path.sep : cwd;
}

async function readSource(source: string | undefined, cwd: string): Promise<{ text: string; file: string; sourceFile?: string }> {
  if (source === undefined) {
    const bd = findOnPath('bd');
    if (!bd) throw new PlanError('--beads', ['`bd` is not on PATH: install Beads, or pass an export file (`bd export -o issues.jsonl`)']);
    const r = await execa(bd, ['export'], { cwd, reject: false, stdin: 'ignore', timeout: 120_000 });
    if (r.exitCode !== 0) throw new PlanError('bd export', [`failed (exit ${r.exitCode ?? r.signal}): ${String(r.stderr).trim().split('\n')[0] || 'no message'}`]);
    if (!String(r.stdout).trim()) throw new PlanError('bd export', ['printed nothing: the Beads database has no issues']);
    return { text: String(r.stdout), file: 'bd export' };
  }
  let file = source;
  try {
    if ((await stat(path.resolve(cwd, file))).isDirectory()) file = path.join(file, 'issues.jsonl');
    const text = await readFile(path.resolve(cwd, file), 'utf8');
    if (!text.trim()) throw new PlanError(file, ['the file is empty']);
    return { text, file, sourceFile: path.resolve(cwd, file) };
  } catch (err) {
    if (err instanceof PlanError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new PlanError(file, [code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`]);
  }
}

/** Loads one epic from a Beads file, or from `bd export` when `source` is undefined (`--beads`). */
export async function loadBeadsPlan(source: string | undefined, opts: SourceOptions = {}): Promise<EpicPlan> {
  if (source === undefined && !opts.beads) {
    throw new PlanError('overseer', ['no plan source: name a plan file, a Beads export or a claude-code-workflow session, or use --beads to read `bd export`']);
  }
  const cwd = opts.cwd ?? process.cwd();
  const { text, file, sourceFile } = await readSource(source, cwd);
  const repoPath = path.resolve(cwd, opts.repo ?? '.');
  return importBeads(text, {
    file,
    epic: opts.epic,
    repoPath,
    writeBack: findOnPath('bd') !== undefined,
    bdCwd: bdCwdFor(sourceFile, cwd),
    roles: knownRoles(repoPath),
    sourceFile,
    ...(opts.runEpics && { runEpics: opts.runEpics }),
  });
}

/** Every open top-level epic of a Beads source (`overseer run --beads --all`). */
export async function listBeadsEpics(source: string | undefined, opts: SourceOptions = {}): Promise<string[]> {
  const { text, file } = await readSource(source, opts.cwd ?? process.cwd());
  return openTopEpics(buildTree(parseBeads(text, file)));
}

/** A Beads source: `.jsonl`, a `.beads` folder, or JSON that looks like `bd` output rather than a native plan. */
export function looksLikeBeads(source: string, isDirectory: boolean, head: string): boolean {
  if (isDirectory) return path.basename(path.resolve(source)) === '.beads';
  if (/\.jsonl$/i.test(source)) return true;
  const t = head.trimStart();
  if (t.startsWith('[')) return true;
  return t.startsWith('{') && /"(_type|issue_type|depends_on_id|schema_version)"\s*:/.test(head) && !/"epicId"\s*:/.test(head);
}

export const beadsImporter: Importer = { kind: 'beads', accepts: looksLikeBeads, load: loadBeadsPlan };
