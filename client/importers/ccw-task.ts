/**
 * One claude-code-workflow task file (`.task/IMPL-*.json`) in either schema generation, normalized the way ccw's
 * own dashboard does it (`normalizeTask()`; notes/claude-beads-ccw-interfaces.md C.4): the flat field first, then
 * the legacy nested `meta` / `context` / `flow_control` fallback.
 */

type Json = Record<string, unknown>;

export interface CcwTask {
  id: string;
  title: string;
  status: string;
  type?: string;
  agent?: string;
  description: string;
  requirements: string[];
  acceptance: string[];
  dependsOn: string[];
  files: string[];
  /** Extra instructions for the agent: focus paths, file changes, steps, pre-analysis, tests... */
  context: string[];
  priority?: number;
  group?: string;
}

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(str).filter(Boolean) : typeof v === 'string' && v.trim() ? [v.trim()] : []);
const firstList = (...vs: unknown[]): string[] => {
  for (const v of vs) if (Array.isArray(v) && v.length) return strings(v);
  return [];
};

const PRIORITIES: Record<string, number> = { critical: 0, urgent: 0, high: 1, medium: 2, normal: 2, low: 3 };

/** A target such as `src/app.ts:createApp:10-30` names the file `src/app.ts`. */
function pathOfTarget(target: string): string {
  return target.replace(/:[^/\\]*$/, '');
}

function describeStep(step: unknown, index: number): string {
  if (typeof step === 'string') return `${index + 1}. ${step.trim()}`;
  const s = obj(step);
  const head = [str(s.title), str(s.description)].filter(Boolean).join(' — ') || str(s.action) || JSON.stringify(step);
  const where = strings(s.modification_points);
  const flow = strings(s.logic_flow);
  const extra = [where.length && `change: ${where.join('; ')}`, flow.length && `flow: ${flow.join(' → ')}`].filter(Boolean).join('; ');
  return `${typeof s.step === 'number' ? s.step : index + 1}. ${head}${extra ? ` (${extra})` : ''}`;
}

/** Files: flat `files[]` (objects or strings), else legacy target files, else modification points naming a file. */
function filesOf(t: Json, flow: Json): { files: string[]; changes: string[] } {
  const files: string[] = [];
  const changes: string[] = [];
  const addFile = (p: string) => {
    if (p && !files.includes(p)) files.push(p);
  };
  if (Array.isArray(t.files) && t.files.length) {
    for (const f of t.files) {
      if (typeof f === 'string') {
        addFile(pathOfTarget(f));
        continue;
      }
      const o = obj(f);
      addFile(str(o.path));
      const what = [str(o.action), str(o.target) && `in ${str(o.target)}`].filter(Boolean).join(' ');
      const how = [str(o.change), ...strings(o.changes)].filter(Boolean).join('; ');
      if (str(o.path) && (what || how)) changes.push(`${str(o.path)}: ${[what, how].filter(Boolean).join(' — ')}`);
    }
  } else if (Array.isArray(flow.target_files) && flow.target_files.length) {
    for (const target of strings(flow.target_files)) {
      addFile(pathOfTarget(target));
      if (pathOfTarget(target) !== target) changes.push(target);
    }
  } else {
    for (const step of Array.isArray(flow.implementation_approach) ? flow.implementation_approach : []) {
      for (const p of Array.isArray(obj(step).modification_points) ? (obj(step).modification_points as unknown[]) : []) addFile(str(obj(p).file));
    }
  }
  return { files, changes };
}

const listOr = (a: unknown, b: unknown): unknown[] => (Array.isArray(a) && a.length ? a : Array.isArray(b) ? b : []);

/** Steps, pre-analysis and test commands, in both schemas. */
function workContext(t: Json, flow: Json, ctx: Json): string[] {
  const context: string[] = [];
  const steps = listOr(t.implementation, flow.implementation_approach);
  if (steps.length) context.push(`Implementation steps:\n${steps.map(describeStep).join('\n')}`);
  const preLines = listOr(t.pre_analysis, flow.pre_analysis).map((p) => {
    const o = obj(p);
    const cmds = strings(o.commands);
    return `- ${str(o.action) || str(o.step)}${cmds.length ? `: ${cmds.join('; ')}` : ''}`;
  });
  if (preLines.length) context.push(`Before starting:\n${preLines.join('\n')}`);
  const test = obj(t.test);
  const testCommands = typeof t.test === 'object' ? [...strings(test.commands), ...strings(obj(test.commands).run_tests)] : [];
  const legacyTests = obj(flow.test_commands);
  if (str(legacyTests.run_tests)) testCommands.push(str(legacyTests.run_tests));
  if (testCommands.length) context.push(`Tests: ${testCommands.join('; ')}`);
  const conventions = strings(obj(ctx.shared_context).conventions);
  if (conventions.length) context.push(`Conventions: ${conventions.join('; ')}`);
  return context;
}

function priorityOf(t: Json, meta: Json): number | undefined {
  const raw = t.priority ?? meta.priority;
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 ? raw : PRIORITIES[str(raw).toLowerCase()];
}

export function normalizeCcwTask(raw: unknown, fallbackId: string): CcwTask {
  const t = obj(raw);
  const meta = obj(t.meta);
  const ctx = obj(t.context);
  const flow = obj(t.flow_control);
  const convergence = obj(t.convergence);
  const id = str(t.id) || str(t.task_id) || fallbackId;

  const requirements = strings(ctx.requirements);
  const ownDescription = str(t.description);
  const requirementList = requirements.map((r) => `- ${r}`).join('\n');
  const description = ownDescription || (requirements.length ? `Requirements:\n${requirementList}` : str(t.details) || str(t.scope));

  const acceptance = firstList(convergence.criteria, ctx.acceptance, t.acceptance);
  if (str(convergence.verification)) acceptance.push(`Verify with: ${str(convergence.verification)}`);
  if (str(convergence.definition_of_done)) acceptance.push(`Definition of done: ${str(convergence.definition_of_done)}`);
  const { files, changes } = filesOf(t, flow);

  const context: string[] = [];
  if (ownDescription && requirements.length) context.push(`Requirements:\n${requirementList}`);
  const focus = firstList(t.focus_paths, ctx.focus_paths);
  if (focus.length) context.push(`Focus paths: ${focus.join(', ')}`);
  if (str(t.scope) && description !== str(t.scope)) context.push(`Scope: ${str(t.scope)}`);
  const excludes = strings(t.excludes);
  if (excludes.length) context.push(`Out of scope: ${excludes.join(', ')}`);
  if (changes.length) context.push(`File changes:\n${changes.map((c) => `- ${c}`).join('\n')}`);
  context.push(...workContext(t, flow, ctx));

  const type = str(t.type) || str(meta.type) || undefined;
  const priority = priorityOf(t, meta);
  const group = str(meta.execution_group) || (t.parallel_group !== undefined && t.parallel_group !== null ? `parallel-${str(t.parallel_group)}` : '');
  return {
    id,
    title: str(t.title),
    status: str(t.status).toLowerCase() || 'pending',
    ...(type && { type }),
    ...(str(meta.agent) && { agent: str(meta.agent).replace(/^@/, '') }),
    description,
    requirements,
    acceptance,
    dependsOn: firstList(t.depends_on, ctx.depends_on),
    files,
    context,
    ...(priority !== undefined && { priority }),
    ...(group && { group }),
  };
}

/** DESIGN §4: role from `meta.agent`, else from the task type. */
const ROLE_BY_TYPE: Record<string, string> = {
  feature: 'code-developer',
  'test-gen': 'code-developer',
  'test-fix': 'test-fix-agent',
  review: 'universal-executor',
  docs: 'doc-generator',
  // Types of the flat schema that DESIGN does not name: the nearest role.
  enhancement: 'code-developer',
  bugfix: 'code-developer',
  fix: 'code-developer',
  refactor: 'code-developer',
  infrastructure: 'code-developer',
  testing: 'code-developer',
  chore: 'universal-executor',
};

export function roleOfTask(task: CcwTask): string | undefined {
  return task.agent || (task.type ? ROLE_BY_TYPE[task.type.toLowerCase()] : undefined);
}
