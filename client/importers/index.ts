/**
 * Plan sources (DESIGN §4): a native YAML/JSON plan, a Beads export, or a claude-code-workflow session. Each is
 * normalized into an `EpicPlan` before anything starts; bad input throws `PlanError` naming file, item and field.
 */
import { statSync } from 'node:fs';
import type { EpicPlan } from '../../common/plan';
import { PlanError } from '../../common/plan-schema';
import { loadNativePlan } from './native';

export interface SourceOptions {
  /** `--repo`: the repository the plan runs on (native plans may name their own). */
  repo?: string;
  /** `--epic`: which epic of a multi-epic source (Beads). */
  epic?: string;
  /** `--session`: which ccw session when a `.workflow` folder has several. */
  session?: string;
  /** `--beads`: read the plan from `bd export` instead of a file. */
  beads?: boolean;
  /** `--ccw <dir>`: a claude-code-workflow session (or a `.workflow` folder), whatever the source looks like. */
  ccw?: string;
  cwd?: string;
}

export type SourceKind = 'native' | 'beads' | 'ccw';

/** A pluggable importer: the Beads and ccw importers register themselves here. */
export interface Importer {
  kind: SourceKind;
  /** Whether this importer reads the given path (file or folder). */
  accepts(source: string, isDirectory: boolean, head: string): boolean;
  load(source: string | undefined, opts: SourceOptions): Promise<EpicPlan>;
}

const importers: Importer[] = [];

export function registerImporter(importer: Importer): void {
  importers.push(importer);
}

/** Loads and normalizes a plan from any supported source. */
export async function loadPlan(source: string | undefined, opts: SourceOptions = {}): Promise<EpicPlan> {
  await import('./registry');
  if (opts.ccw !== undefined) {
    const ccw = importers.find((i) => i.kind === 'ccw');
    if (!ccw) throw new PlanError('--ccw', ['reading claude-code-workflow sessions is not available']);
    return ccw.load(opts.ccw, opts);
  }
  if (opts.beads || source === undefined) {
    const beads = importers.find((i) => i.kind === 'beads');
    if (!beads) throw new PlanError('--beads', ['reading plans from Beads is not available']);
    return beads.load(source, opts);
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(source).isDirectory();
  } catch {
    throw new PlanError(source, ['no such file or folder']);
  }
  let head = '';
  if (!isDirectory) {
    const { readFile } = await import('node:fs/promises');
    head = (await readFile(source, 'utf8')).slice(0, 4096);
    if (!head.trim()) throw new PlanError(source, ['the file is empty']);
  }
  const importer = importers.find((i) => i.accepts(source, isDirectory, head));
  if (importer) return importer.load(source, opts);
  if (isDirectory) throw new PlanError(source, ['a folder is not a plan (expected a claude-code-workflow session: .workflow/active/WFS-*)']);
  return loadNativePlan(source, opts);
}
