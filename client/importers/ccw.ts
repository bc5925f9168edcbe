/**
 * claude-code-workflow sessions as a plan source (DESIGN §4, notes Part C): `.workflow/active/WFS-*` becomes an
 * `EpicPlan` whose epic id is the session id.
 *
 * - Tasks from `.task/*.json` in both schemas; `IMPL-4.1` is a subtask of `IMPL-4`, and a task with subtasks is a
 *   container: it is not run, its subtasks inherit its dependencies, and whatever depends on it waits for all of them.
 * - Completed tasks (JSON status, `[x]` in TODO_LIST.md, or an existing `.summaries/<id>-summary.md`) are kept as
 *   `done`: that is how an interrupted session resumes.
 * - The execution model of IMPL_PLAN.md §4: Sequential runs one task at a time; Phased gives every task a phase
 *   (its depth in the dependency graph) and turns phase barriers on; Parallel, TDD or none follow the DAG alone.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EpicPlan, SkippedSourceItem, WorkItem } from '../../common/plan';
import { normalizePlan, PlanError } from '../../common/plan-schema';
import { describeJsonError } from './json-text';
import { normalizeCcwTask, roleOfTask, type CcwTask } from './ccw-task';
import { looksLikeCcw, parseExecutionModel, parsePlanTitle, parseTodoList, resolveSession } from './ccw-session';
import type { Importer, SourceOptions } from './importer';

/** Task statuses that mean "nothing left to do" (ccw executors write `completed`; `skipped` is satisfied too). */
const DONE_STATUSES = new Set(['completed', 'done', 'skipped']);

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readJson(file: string, display: string): unknown {
  const text = readText(file);
  if (text === undefined) return undefined;
  if (!text.trim()) throw new PlanError(display, ['the file is empty']);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PlanError(display, [describeJsonError(err, text)]);
  }
}

/** IMPL-2 < IMPL-10 < IMPL-10.1 */
function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export interface CcwImportOptions {
  /** Where the plan runs; default: the project holding `.workflow/`, else the current directory. */
  repoPath?: string;
  cwd?: string;
}

export function importCcwSession(sessionDir: string, opts: CcwImportOptions = {}): EpicPlan {
  const cwd = opts.cwd ?? process.cwd();
  const rel = path.relative(cwd, sessionDir);
  const display = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : sessionDir;
  const sessionId = path.basename(sessionDir);
  const shown = (f: string) => path.join(display, f);

  const meta = (readJson(path.join(sessionDir, 'workflow-session.json'), shown('workflow-session.json')) ?? {}) as Record<string, unknown>;
  const implPlan = readText(path.join(sessionDir, 'IMPL_PLAN.md')) ?? '';
  const todo = parseTodoList(readText(path.join(sessionDir, 'TODO_LIST.md')) ?? '');

  const taskDir = path.join(sessionDir, '.task');
  const taskFiles = existsSync(taskDir) ? readdirSync(taskDir).filter((f) => f.endsWith('.json')) : [];
  if (taskFiles.length === 0) throw new PlanError(display, ['no tasks: .task/ holds no IMPL-*.json files']);
  const tasks = new Map<string, CcwTask & { file: string }>();
  for (const f of taskFiles) {
    const raw = readJson(path.join(taskDir, f), shown(path.join('.task', f)));
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new PlanError(shown(path.join('.task', f)), ['not a task (expected a JSON object)']);
    const task = normalizeCcwTask(raw, f.replace(/\.json$/, ''));
    const prev = tasks.get(task.id);
    if (prev) throw new PlanError(display, [`task id "${task.id}" appears in both .task/${prev.file} and .task/${f}`]);
    tasks.set(task.id, { ...task, file: f });
  }
  const ids = [...tasks.keys()].sort(compareIds);

  // Subtasks by dotted id: the nearest existing ancestor id is the parent.
  const parentOf = new Map<string, string>();
  const childrenOf = new Map<string, string[]>();
  for (const id of ids) {
    let p = id;
    while (p.includes('.')) {
      p = p.slice(0, p.lastIndexOf('.'));
      if (tasks.has(p)) {
        parentOf.set(id, p);
        childrenOf.set(p, [...(childrenOf.get(p) ?? []), id]);
        break;
      }
    }
  }
  const containers = new Set(childrenOf.keys());
  const leaves = ids.filter((id) => !containers.has(id));
  const leavesUnder = (id: string): string[] => (containers.has(id) ? childrenOf.get(id)!.flatMap(leavesUnder) : [id]);
  const ancestors = (id: string): string[] => {
    const out: string[] = [];
    for (let p = parentOf.get(id); p; p = parentOf.get(p)) out.push(p);
    return out;
  };

  const summaryFile = (id: string) => path.join(sessionDir, '.summaries', `${id}-summary.md`);
  const notes: string[] = [];
  const isDone = new Map<string, boolean>();
  for (const id of leaves) {
    const t = tasks.get(id)!;
    const byJson = DONE_STATUSES.has(t.status);
    const byTodo = todo.checked.has(id);
    const bySummary = existsSync(summaryFile(id));
    isDone.set(id, byJson || byTodo || bySummary);
    if (!byJson && (byTodo || bySummary)) {
      notes.push(`${id}: ${[byTodo && 'TODO_LIST.md ticks it', bySummary && 'it has a summary'].filter(Boolean).join(' and ')} but its task JSON says "${t.status}": treated as done`);
    }
  }

  const problems: string[] = [];
  const deps = new Map<string, string[]>();
  for (const id of leaves) {
    const out = new Set<string>();
    const own = [id, ...ancestors(id)];
    for (const owner of own) {
      const t = tasks.get(owner)!;
      const via = owner === id ? '' : ` (through its container ${owner})`;
      for (const d of t.dependsOn) {
        if (d.startsWith('CROSS::')) {
          problems.push(`.task/${t.file}: item "${owner}": depends_on holds the unresolved cross-module placeholder "${d}" (ccw's cross-module integration did not run; replace it with a task id)`);
          continue;
        }
        if (!tasks.has(d)) {
          problems.push(`.task/${t.file}: item "${owner}": depends_on names "${d}", which has no task in this session${via}`);
          continue;
        }
        if (own.includes(d)) continue; // a subtask "after" its own container: nothing to wait for
        for (const l of leavesUnder(d)) if (l !== id) out.add(l);
      }
    }
    deps.set(id, [...out].sort(compareIds));
  }
  if (problems.length) throw new PlanError(display, [...new Set(problems)]);

  const { model, raw: modelText } = parseExecutionModel(implPlan);
  if (modelText && !model) notes.push(`IMPL_PLAN.md names an unknown execution model "${modelText}": the DAG alone orders the tasks`);
  const phases = new Map<string, number>();
  if (model === 'phased') {
    const visiting = new Set<string>();
    const phase = (id: string): number => {
      const known = phases.get(id);
      if (known !== undefined) return known;
      if (visiting.has(id)) return 0; // a cycle: reported by the DAG check below
      visiting.add(id);
      const p = Math.max(-1, ...deps.get(id)!.map(phase)) + 1;
      visiting.delete(id);
      phases.set(id, p);
      return p;
    };
    for (const id of leaves) phase(id);
  }

  // A summary's own "# IMPL-1 summary" heading adds nothing to the prompt.
  const summaryOf = (id: string) => readText(summaryFile(id))?.replace(/^#[^\n]*summary[^\n]*\n/i, '').trim();
  const items: WorkItem[] = leaves.map((id) => {
    const t = tasks.get(id)!;
    const context = [...t.context];
    for (const c of ancestors(id)) {
      const ct = tasks.get(c)!;
      const what = ct.requirements.length ? ct.requirements.join('; ') : ct.description;
      context.push(`Part of ${c}: ${ct.title}${what ? ` — ${what}` : ''}`);
      if (ct.acceptance.length) context.push(`${c} is done when: ${ct.acceptance.join('; ')}`);
    }
    if (!isDone.get(id)) {
      for (const d of deps.get(id)!) {
        const s = isDone.get(d) ? summaryOf(d) : undefined;
        if (s) context.push(`Summary of ${d} (done):\n${s.length > 2000 ? `${s.slice(0, 2000)}…` : s}`);
      }
    }
    const role = roleOfTask(t);
    return {
      id,
      title: t.title || id,
      description: t.description,
      acceptance: t.acceptance,
      dependsOn: deps.get(id)!,
      files: t.files,
      ...(context.length && { context }),
      ...(role !== undefined && { role }),
      ...(t.priority !== undefined && { priority: t.priority }),
      ...(t.group !== undefined && { group: t.group }),
      ...(phases.has(id) && { phase: phases.get(id) }),
      ...(isDone.get(id) && { done: true }),
    };
  });

  const skipped: SkippedSourceItem[] = [...containers]
    .sort(compareIds)
    .map((c) => ({ id: c, reason: `container: its subtasks ${leavesUnder(c).join(', ')} run instead` }));
  const projectRoot = path.basename(path.dirname(path.dirname(sessionDir))) === '.workflow' ? path.dirname(path.dirname(path.dirname(sessionDir))) : cwd;
  const title = parsePlanTitle(implPlan) || (typeof meta.project === 'string' && meta.project.trim()) || (typeof meta.description === 'string' && meta.description.trim()) || sessionId;
  const raw = {
    epicId: sessionId,
    title,
    items,
    settings: {
      ...(model === 'sequential' && { maxParallel: 1 }),
      ...(model === 'phased' && { phaseBarriers: true }),
    },
    source: {
      kind: 'ccw' as const,
      sessionDir,
      writeBack: true,
      ...(skipped.length && { skipped }),
      ...(notes.length && { notes }),
    },
  };
  return normalizePlan(raw, { file: display, defaultRepoPath: opts.repoPath ?? projectRoot, resolvePath: (p) => path.resolve(cwd, p) });
}

export async function loadCcwPlan(source: string | undefined, opts: SourceOptions = {}): Promise<EpicPlan> {
  const cwd = opts.cwd ?? process.cwd();
  if (source === undefined) throw new PlanError('--ccw', ['name a claude-code-workflow session folder']);
  const sessionDir = resolveSession(source, opts.session, cwd);
  return importCcwSession(sessionDir, { cwd, repoPath: opts.repo ? path.resolve(cwd, opts.repo) : undefined });
}

export const ccwImporter: Importer = { kind: 'ccw', accepts: (source, isDirectory) => looksLikeCcw(source, isDirectory), load: loadCcwPlan };
