/**
 * Finding a claude-code-workflow session and reading its markdown: `.workflow/active/WFS-*` folders,
 * `TODO_LIST.md` checkboxes and the execution model of `IMPL_PLAN.md` §4 (notes Part C.2, C.5, C.6).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PlanError } from '../../common/plan-schema';

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** A session folder holds tasks or session metadata. */
export function isSessionDir(dir: string): boolean {
  return isDir(path.join(dir, '.task')) || existsSync(path.join(dir, 'workflow-session.json'));
}

/** The `active/` folder a path points at: `.workflow/active`, `.workflow`, or a project holding `.workflow`. */
function activeFolder(dir: string): string | undefined {
  const base = path.basename(dir);
  if (base === 'active' && path.basename(path.dirname(dir)) === '.workflow') return dir;
  if (base === '.workflow') return path.join(dir, 'active');
  if (isDir(path.join(dir, '.workflow'))) return path.join(dir, '.workflow', 'active');
  return undefined;
}

export function looksLikeCcw(source: string, isDirectory: boolean): boolean {
  if (!isDirectory) return false;
  const dir = path.resolve(source);
  return isSessionDir(dir) || path.basename(dir).startsWith('WFS-') || activeFolder(dir) !== undefined;
}

function projectOf(sessionDir: string): string {
  try {
    const meta = JSON.parse(readFileSync(path.join(sessionDir, 'workflow-session.json'), 'utf8')) as { project?: unknown; description?: unknown };
    const text = typeof meta.project === 'string' ? meta.project : typeof meta.description === 'string' ? meta.description : '';
    return text ? ` (${text})` : '';
  } catch {
    return '';
  }
}

/** The session folder `source` names, choosing among several active sessions with `--session`. */
export function resolveSession(source: string, session: string | undefined, cwd: string): string {
  const dir = path.resolve(cwd, source);
  if (!isDir(dir)) throw new PlanError(source, ['no such folder']);
  if (isSessionDir(dir)) return dir;
  const active = activeFolder(dir);
  if (!active) {
    if (path.basename(dir).startsWith('WFS-')) throw new PlanError(source, ['not a claude-code-workflow session: no .task/ folder and no workflow-session.json']);
    throw new PlanError(source, ['not a claude-code-workflow folder (expected .workflow/active/WFS-*)']);
  }
  const sessions = isDir(active)
    ? readdirSync(active)
        .filter((n) => n.startsWith('WFS-') && isDir(path.join(active, n)))
        .sort()
    : [];
  const list = () => sessions.map((s) => `${s}${projectOf(path.join(active, s))}`).join(', ');
  if (session) {
    const name = sessions.find((s) => s === session || s === `WFS-${session}`);
    if (!name) throw new PlanError(source, [`no active session "${session}"; sessions found: ${sessions.length ? list() : 'none'}`]);
    return path.join(active, name);
  }
  if (sessions.length === 0) throw new PlanError(source, [`no active claude-code-workflow session in ${path.relative(cwd, active) || active} (expected WFS-* folders)`]);
  if (sessions.length > 1) throw new PlanError(source, [`several active sessions: ${list()}; choose one with --session <id>`]);
  return path.join(active, sessions[0]);
}

/** TODO_LIST.md: ids whose box is ticked, and container lines (`▸`). */
export function parseTodoList(text: string): { checked: Set<string>; unchecked: Set<string>; containers: Set<string> } {
  const checked = new Set<string>();
  const unchecked = new Set<string>();
  const containers = new Set<string>();
  const re = /^\s*(?:- \[( |x|X)\]|▸)\s+\*\*([A-Za-z]+-[A-Za-z0-9._-]+)\*\*/;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    if (m[1] === undefined) containers.add(m[2]);
    else if (m[1] === ' ') unchecked.add(m[2]);
    else checked.add(m[2]);
  }
  return { checked, unchecked, containers };
}

export type ExecutionModel = 'sequential' | 'parallel' | 'phased' | 'tdd';

/** `**Execution Model**: Phased` in IMPL_PLAN.md §4, or undefined when the plan does not say. */
export function parseExecutionModel(text: string): { model?: ExecutionModel; raw?: string } {
  const m = /\*\*Execution Model\*\*\s*:?\s*\[?\s*([^\]\n]+)/i.exec(text);
  if (!m) return {};
  const raw = m[1].trim().replace(/\*+$/, '').trim();
  const word = raw.toLowerCase();
  if (word.startsWith('sequential')) return { model: 'sequential', raw };
  if (word.startsWith('parallel')) return { model: 'parallel', raw };
  if (word.startsWith('phased')) return { model: 'phased', raw };
  if (word.startsWith('tdd')) return { model: 'tdd', raw };
  return { raw };
}

/** `# Implementation Plan: <title>` */
export function parsePlanTitle(text: string): string | undefined {
  const m = /^#\s+Implementation Plan:\s*(.+)$/m.exec(text);
  return m ? m[1].trim() : undefined;
}
