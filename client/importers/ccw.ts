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
import type { EpicPlan, SkippedSourceItem } from '../../common/plan';
import { normalizePlan, PlanError } from '../../common/plan-schema';
import { describeJsonError } from './json-text';
import { normalizeCcwTask } from './ccw-task';
import { buildTaskTree, compareIds, leavesUnder, phasesOf, resolveTaskDeps, type SessionTask, type TaskTree } from './ccw-graph';
import { ccwWorkItems } from './ccw-items';
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

export interface CcwImportOptions {
  /** Where the plan runs; default: the project holding `.workflow/`, else the current directory. */
  repoPath?: string;
  cwd?: string;
}

/** `.task/*.json`, each normalized; a duplicate id or a file that is not a task object throws naming the file. */
function readTasks(sessionDir: string, display: string): Map<string, SessionTask> {
  const shown = (f: string) => path.join(display, f);
  const taskDir = path.join(sessionDir, '.task');
  const taskFiles = existsSync(taskDir) ? readdirSync(taskDir).filter((f) => f.endsWith('.json')) : [];
  if (taskFiles.length === 0) throw new PlanError(display, ['no tasks: .task/ holds no IMPL-*.json files']);
  const tasks = new Map<string, SessionTask>();
  for (const f of taskFiles) {
    const raw = readJson(path.join(taskDir, f), shown(path.join('.task', f)));
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new PlanError(shown(path.join('.task', f)), ['not a task (expected a JSON object)']);
    const task = normalizeCcwTask(raw, f.replace(/\.json$/, ''));
    const prev = tasks.get(task.id);
    if (prev) throw new PlanError(display, [`task id "${task.id}" appears in both .task/${prev.file} and .task/${f}`]);
    tasks.set(task.id, { ...task, file: f });
  }
  return tasks;
}

const summaryFile = (sessionDir: string, id: string) => path.join(sessionDir, '.summaries', `${id}-summary.md`);

/** Done by JSON status, a ticked TODO_LIST.md box or an existing summary; a disagreement with the JSON is noted. */
function completedTasks(tree: TaskTree, sessionDir: string, notes: string[]): Map<string, boolean> {
  const todo = parseTodoList(readText(path.join(sessionDir, 'TODO_LIST.md')) ?? '');
  const isDone = new Map<string, boolean>();
  for (const id of tree.leaves) {
    const t = tree.tasks.get(id)!;
    const byJson = DONE_STATUSES.has(t.status);
    const byTodo = todo.checked.has(id);
    const bySummary = existsSync(summaryFile(sessionDir, id));
    isDone.set(id, byJson || byTodo || bySummary);
    if (!byJson && (byTodo || bySummary)) {
      notes.push(`${id}: ${[byTodo && 'TODO_LIST.md ticks it', bySummary && 'it has a summary'].filter(Boolean).join(' and ')} but its task JSON says "${t.status}": treated as done`);
    }
  }
  return isDone;
}

/** The folder as the user named it: relative to the current directory when it lies below it. */
function displayName(sessionDir: string, cwd: string): string {
  const rel = path.relative(cwd, sessionDir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : sessionDir;
}

export function importCcwSession(sessionDir: string, opts: CcwImportOptions = {}): EpicPlan {
  const cwd = opts.cwd ?? process.cwd();
  const display = displayName(sessionDir, cwd);
  const sessionId = path.basename(sessionDir);
  const meta = (readJson(path.join(sessionDir, 'workflow-session.json'), path.join(display, 'workflow-session.json')) ?? {}) as Record<string, unknown>;
  const implPlan = readText(path.join(sessionDir, 'IMPL_PLAN.md')) ?? '';
  const tree = buildTaskTree(readTasks(sessionDir, display));
  const notes: string[] = [];
  const isDone = completedTasks(tree, sessionDir, notes);
  const deps = resolveTaskDeps(tree, display);
  const { model, raw: modelText } = parseExecutionModel(implPlan);
  if (modelText && !model) notes.push(`IMPL_PLAN.md names an unknown execution model "${modelText}": the DAG alone orders the tasks`);
  const phases = model === 'phased' ? phasesOf(tree.leaves, deps) : new Map<string, number>();
  // A summary's own "# IMPL-1 summary" heading adds nothing to the prompt.
  const summaryOf = (id: string) => readText(summaryFile(sessionDir, id))?.replace(/^#[^\n]*summary[^\n]*\n/i, '').trim();
  const items = ccwWorkItems({ tree, deps, phases, isDone, summaryOf });

  const skipped: SkippedSourceItem[] = [...tree.containers]
    .sort(compareIds)
    .map((c) => ({ id: c, reason: `container: its subtasks ${leavesUnder(tree, c).join(', ')} run instead` }));
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
