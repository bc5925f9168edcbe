/**
 * The entry of `client/importers/`. Plan sources (DESIGN §4): a native YAML/JSON plan, a Beads export, or a
 * claude-code-workflow session. Each is normalized into an `EpicPlan` before anything starts; bad input throws
 * `PlanError` naming file, item and field.
 */
import { statSync } from 'node:fs';
import type { EpicPlan } from '../../common/plan';
import { PlanError } from '../../common/plan-schema';
import { loadNativePlan } from './native';
import type { SourceOptions } from './importer';
import { IMPORTERS, importerFor } from './registry';

export type { Importer, SourceKind, SourceOptions } from './importer';

/** Loads and normalizes a plan from any supported source; `--repo-url` then names the remote it runs on. */
export async function loadPlan(source: string | undefined, opts: SourceOptions = {}): Promise<EpicPlan> {
  if (opts.repoUrl === undefined) return loadAnyPlan(source, opts);
  if (opts.repo !== undefined) throw new PlanError('--repo-url', ['give either --repo (a local repository) or --repo-url (a git remote), not both']);
  if (!opts.repoUrl.trim()) throw new PlanError('--repo-url', ['the URL is empty']);
  const plan = await loadAnyPlan(source, opts);
  return { ...plan, repo: { path: '', url: opts.repoUrl, targetBranch: plan.repo.targetBranch } };
}

async function loadAnyPlan(source: string | undefined, opts: SourceOptions): Promise<EpicPlan> {
  if (opts.ccw !== undefined) {
    const ccw = importerFor('ccw');
    if (!ccw) throw new PlanError('--ccw', ['reading claude-code-workflow sessions is not available']);
    return ccw.load(opts.ccw, opts);
  }
  if (opts.beads || source === undefined) {
    const beads = importerFor('beads');
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
  const importer = IMPORTERS.find((i) => i.accepts(source, isDirectory, head));
  if (importer) return importer.load(source, opts);
  if (isDirectory) throw new PlanError(source, ['a folder is not a plan (expected a claude-code-workflow session: .workflow/active/WFS-*)']);
  return loadNativePlan(source, opts);
}
