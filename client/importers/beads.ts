/**
 * Beads (`bd`) as a plan source (DESIGN §4): one epic of an export becomes an `EpicPlan`.
 *
 * - Children come from `parent-child` edges only (never from the shape of ids); a child that has children of its
 *   own (a nested epic) is flattened: its leaves run, they inherit its dependencies, and whatever depends on it
 *   waits for all of them.
 * - `blocks`, `conditional-blocks` and `waits-for` order the work; every other edge type is kept as a link.
 * - Closed children are kept as `done` (satisfied, never run); tombstones and deferred children are left out, and
 *   so is anything that waits for them or for open work outside the epic (listed in `source.skipped`).
 * - Role from a `role:<name>` label, or the assignee when it names a known role; priority 0–4 as given.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { EpicPlan, SkippedSourceItem, WorkItem } from '../../common/plan';
import { normalizePlan, PlanError } from '../../common/plan-schema';
import { findOnPath } from '../../activities/which';
import { parseBeads, type BeadsIssue } from './beads-records';
import { knownRoles } from './roles';
import type { Importer, SourceOptions } from './importer';

/** Edge types that order work (`bd ready` honours these); `parent-child` is structure. */
export const ORDERING_EDGES = new Set(['blocks', 'conditional-blocks', 'waits-for']);

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
}

/** Criteria from free text: one per line, list markers and checkboxes removed. */
function splitCriteria(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().replace(/^(?:[-*+]|\d+[.)])\s+/, '').replace(/^\[[ xX]\]\s+/, '').trim())
    .filter(Boolean);
}

function roleOf(issue: BeadsIssue, roles: ReadonlySet<string>): string | undefined {
  const label = issue.labels.find((l) => l.startsWith('role:'));
  if (label) return label.slice('role:'.length).trim();
  if (issue.assignee && roles.has(issue.assignee)) return issue.assignee;
  return undefined;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

export function importBeads(text: string, opts: BeadsImportOptions): EpicPlan {
  const { file } = opts;
  const src = parseBeads(text, file);
  if (src.issues.size === 0) {
    throw new PlanError(file, [`no issues found${src.ignored ? ` (${src.ignored} non-issue record${src.ignored > 1 ? 's' : ''} skipped)` : ''}`]);
  }
  const order = new Map([...src.issues.keys()].map((id, i) => [id, i]));
  const live = (id: string) => {
    const i = src.issues.get(id);
    return Boolean(i && i.status !== 'tombstone');
  };

  // parent -> children, in source order
  const children = new Map<string, string[]>();
  const hasParent = new Set<string>();
  for (const e of src.edges) {
    if (e.type !== 'parent-child' || !src.issues.has(e.from) || e.from === e.to) continue;
    const list = children.get(e.to);
    if (list) list.push(e.from);
    else children.set(e.to, [e.from]);
    if (live(e.from)) hasParent.add(e.from);
  }
  for (const list of children.values()) list.sort((a, b) => order.get(a)! - order.get(b)!);
  const liveKids = (id: string) => (children.get(id) ?? []).filter(live);

  const epics = [...src.issues.values()].filter((i) => i.status !== 'tombstone' && (i.issueType === 'epic' || liveKids(i.id).length > 0));
  const epicList = () =>
    epics.length
      ? epics.map((e) => `${e.id} (${oneLine(e.title) || 'untitled'}, ${liveKids(e.id).length} ${liveKids(e.id).length === 1 ? 'child' : 'children'})`).join(', ')
      : 'none';

  let epicId = opts.epic;
  if (!epicId) {
    const top = epics.filter((e) => !hasParent.has(e.id) && liveKids(e.id).length > 0);
    if (top.length !== 1) {
      throw new PlanError(file, [
        top.length
          ? `the source holds several epics: choose one with --epic <id> (epics found: ${epicList()})`
          : 'no epic found (an epic is an issue with children linked by parent-child dependencies)',
      ]);
    }
    epicId = top[0].id;
  }
  const epic = src.issues.get(epicId);
  if (!epic) throw new PlanError(file, [`no epic "${epicId}" in this source; epics found: ${epicList()}`]);
  if (epic.status === 'tombstone') throw new PlanError(file, [`epic "${epicId}" is deleted (tombstone); epics found: ${epicList()}`]);

  // Descendants: leaves run, containers (children with children) are flattened.
  const skipped: SkippedSourceItem[] = [];
  const containerOf = new Map<string, string | undefined>();
  const containers = new Set<string>();
  const leaves: string[] = [];
  const seen = new Set<string>([epicId]);
  const visit = (id: string, container: string | undefined) => {
    for (const kid of children.get(id) ?? []) {
      if (seen.has(kid)) continue;
      seen.add(kid);
      if (!live(kid)) {
        skipped.push({ id: kid, reason: 'deleted (tombstone)' });
        continue;
      }
      containerOf.set(kid, container);
      if (liveKids(kid).some((k) => !seen.has(k))) {
        containers.add(kid);
        skipped.push({ id: kid, reason: 'nested epic: flattened into its children' });
        visit(kid, kid);
      } else {
        leaves.push(kid);
      }
    }
  };
  visit(epicId, undefined);
  if (leaves.length === 0) {
    throw new PlanError(file, [`"${epicId}" has no children (parent-child dependencies), so there is nothing to run; epics found: ${epicList()}`]);
  }
  leaves.sort((a, b) => order.get(a)! - order.get(b)!);
  const leafSet = new Set(leaves);
  const leavesUnder = new Map<string, string[]>();
  const collectLeaves = (c: string): string[] => {
    const known = leavesUnder.get(c);
    if (known) return known;
    leavesUnder.set(c, []); // guards against parent-child cycles
    const out = liveKids(c).flatMap((k) => (leafSet.has(k) ? [k] : containers.has(k) ? collectLeaves(k) : []));
    leavesUnder.set(c, out);
    return out;
  };

  const outgoing = new Map<string, { to: string; type: string }[]>();
  for (const e of src.edges) {
    const list = outgoing.get(e.from);
    if (list) list.push({ to: e.to, type: e.type });
    else outgoing.set(e.from, [{ to: e.to, type: e.type }]);
  }

  const problems: string[] = [];
  const deps = new Map<string, Set<string>>();
  const links = new Map<string, { type: string; target: string }[]>();
  const skipReason = new Map<string, string>();
  for (const leaf of leaves) {
    const issue = src.issues.get(leaf)!;
    const done = issue.status === 'closed';
    if (!done && issue.status === 'deferred') skipReason.set(leaf, 'deferred');
    const mine = new Set<string>();
    const myLinks: { type: string; target: string }[] = [];
    // The leaf's own edges, then those of every container above it and of the epic itself.
    const owners: string[] = [leaf];
    for (let c = containerOf.get(leaf); c; c = containerOf.get(c)) owners.push(c);
    owners.push(epicId);
    for (const owner of owners) {
      for (const { to, type } of outgoing.get(owner) ?? []) {
        if (type === 'parent-child') continue;
        if (!ORDERING_EDGES.has(type)) {
          if (owner === leaf) myLinks.push({ type, target: to });
          continue;
        }
        if (to === epicId || to === leaf) continue;
        if (leafSet.has(to)) {
          mine.add(to);
        } else if (containers.has(to)) {
          for (const l of collectLeaves(to)) if (l !== leaf) mine.add(l);
        } else {
          const target = src.issues.get(to) ?? src.mentioned.get(to);
          const via = owner === leaf ? '' : ` (through ${owner})`;
          if (!target) {
            if (!done) problems.push(`item "${leaf}": depends on "${to}" (${type})${via}, which is not in this source`);
          } else if (target.status === 'closed' || target.status === 'tombstone') {
            if (owner === leaf) myLinks.push({ type, target: to }); // satisfied outside the epic
          } else if (!done && !skipReason.has(leaf)) {
            skipReason.set(leaf, `waits for ${to} (${target.status}, outside epic ${epicId})${via}`);
          }
        }
      }
    }
    deps.set(leaf, mine);
    if (myLinks.length) links.set(leaf, myLinks);
  }
  if (problems.length) throw new PlanError(file, problems);

  // Whatever waits for skipped work is skipped too; done items simply drop such edges.
  const isDone = (id: string) => src.issues.get(id)!.status === 'closed';
  for (let changed = true; changed; ) {
    changed = false;
    for (const leaf of leaves) {
      if (isDone(leaf) || skipReason.has(leaf)) continue;
      const blocker = [...deps.get(leaf)!].find((d) => skipReason.has(d));
      if (blocker) {
        skipReason.set(leaf, `waits for ${blocker}, which is skipped`);
        changed = true;
      }
    }
  }
  for (const leaf of leaves) if (skipReason.has(leaf)) skipped.push({ id: leaf, reason: skipReason.get(leaf)! });
  skipped.sort((a, b) => order.get(a.id)! - order.get(b.id)!);

  const roles = opts.roles;
  const epicContext = `Epic ${epic.id}: ${oneLine(epic.title)}${epic.description ? ` — ${epic.description.trim()}` : ''}`;
  const items: WorkItem[] = leaves
    .filter((id) => !skipReason.has(id))
    .map((id) => {
      const issue = src.issues.get(id)!;
      const container = containerOf.get(id);
      const context = [epicContext];
      for (let c = container; c; c = containerOf.get(c)) {
        const ci = src.issues.get(c)!;
        context.push(`Part of ${c}: ${oneLine(ci.title)}${ci.description ? ` — ${ci.description.trim()}` : ''}`);
      }
      if (issue.design.trim()) context.push(`Design:\n${issue.design.trim()}`);
      if (issue.notes.trim()) context.push(`Notes:\n${issue.notes.trim()}`);
      if (issue.specId) context.push(`Spec: ${issue.specId}`);
      if (issue.externalRef) context.push(`External reference: ${issue.externalRef}`);
      const role = roleOf(issue, roles);
      return {
        id,
        title: issue.title,
        description: issue.description.trim(),
        acceptance: splitCriteria(issue.acceptance),
        dependsOn: [...deps.get(id)!].filter((d) => !skipReason.has(d)).sort((a, b) => order.get(a)! - order.get(b)!),
        files: [],
        context,
        ...(role !== undefined && { role }),
        ...(issue.priority !== undefined && { priority: issue.priority }),
        ...(container !== undefined && { group: container }),
        ...(issue.status === 'closed' && { done: true }),
        ...(links.has(id) && { links: links.get(id) }),
      };
    });
  if (items.length === 0) {
    throw new PlanError(file, [`epic "${epicId}" has nothing to run: ${skipped.map((s) => `${s.id} ${s.reason}`).join('; ')}`]);
  }

  const notes: string[] = [];
  if (!src.hasEdges) {
    notes.push('this source carries no dependency edges (`bd list --json` prints none): children come from their `parent` field and nothing orders them; `bd export` keeps the ordering');
  }
  const raw = {
    epicId,
    title: epic.title.trim() || epicId,
    items,
    source: {
      kind: 'beads' as const,
      ...(opts.sourceFile !== undefined && { file: opts.sourceFile }),
      epic: epicId,
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
  });
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
