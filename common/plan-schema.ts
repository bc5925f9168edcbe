/**
 * The zod schema of a native plan file and its normalization into an `EpicPlan`. Used by the client and
 * activities only — never import this from workflow code (zod would be copied into every cached workflow).
 */
import { z } from 'zod';
import { DEFAULT_SETTINGS, type EpicPlan, type EpicSettings } from './plan';
import { ID_CHARACTERS_MESSAGE, ID_LENGTH_MESSAGE, ID_PATTERN, MAX_ID_LENGTH } from './ids';
import { describeDagProblem, findDagProblems } from './dag';
import { DURATION_PATTERN } from './durations';

const duration = z
  .string()
  .regex(DURATION_PATTERN, 'must be a duration such as "30s", "5m", "2h" or "1d"');

const id = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_ID_LENGTH, ID_LENGTH_MESSAGE)
  .regex(ID_PATTERN, ID_CHARACTERS_MESSAGE);

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const envNames = z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable'));

const command = z.union([nonEmpty, z.array(nonEmpty).min(1, 'must name an executable')]);

const agentSchema = z
  .object({
    command: command.optional(),
    model: z.string().optional(),
    permissionMode: z.enum(['acceptEdits', 'auto', 'bypassPermissions', 'default', 'manual', 'dontAsk', 'plan']).optional(),
    maxTurns: z.number().int().positive().optional(),
    maxBudgetUsd: z.number().positive().optional(),
    allowedTools: z.array(z.string()).optional(),
    sessionTimeout: duration.optional(),
    heartbeatTimeout: duration.optional(),
    maxRetries: z.number().int().min(0).optional(),
    retryInterval: duration.optional(),
    env: envNames.optional(),
    onUsageLimit: z.enum(['wait', 'fail']).optional(),
  })
  .strict();

const budgetSchema = z
  .object({ epicUsd: z.number().positive().optional(), itemUsd: z.number().positive().optional() })
  .strict();

const settingsSchema = z
  .object({
    maxParallel: z.number().int().min(1).optional(),
    maxAttempts: z.number().int().min(1).optional(),
    questionTimeout: duration.optional(),
    autoResume: z.boolean().optional(),
    approval: z.enum(['none', 'before-merge']).optional(),
    gates: z.array(nonEmpty).optional(),
    mergeGates: z.array(nonEmpty).optional(),
    gateTimeout: duration.optional(),
    review: z.object({ enabled: z.boolean().optional(), maxRounds: z.number().int().min(1).optional() }).strict().optional(),
    agent: agentSchema.optional(),
    validation: z.object({ enabled: z.boolean().optional(), maxRounds: z.number().int().min(0).optional() }).strict().optional(),
    phaseBarriers: z.boolean().optional(),
    mergeHoldRetry: duration.optional(),
    heartbeatTimeout: duration.optional(),
    env: envNames.optional(),
    budget: budgetSchema.optional(),
    completion: z
      .enum(['auto', 'ask'])
      .describe('claude-code-workflow sessions: "auto" (default) archives the finished session; "ask" asks a human to "review" (a review session first) or "complete"')
      .optional(),
  })
  .strict();

const itemSchema = z
  .object({
    id,
    title: nonEmpty,
    description: z.string().optional(),
    acceptance: z.array(z.string()).optional(),
    dependsOn: z.array(z.string()).optional(),
    role: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be a role name such as "backend-engineer"').optional(),
    priority: z.number().int().min(0).optional(),
    group: z.string().optional(),
    phase: z.number().int().min(0).optional(),
    files: z.array(z.string()).optional(),
    context: z.array(z.string()).optional(),
    done: z.boolean().optional(),
    links: z.array(z.object({ type: z.string(), target: z.string() })).optional(),
  })
  .strict();

const skippedSchema = z.object({ id: z.string(), reason: z.string() }).strict();

const sourceSchema = z.union([
  z.object({ kind: z.literal('native'), file: z.string().optional() }).strict(),
  z
    .object({
      kind: z.literal('beads'),
      file: z.string().optional(),
      epic: z.string(),
      writeBack: z.boolean(),
      cwd: z.string().optional(),
      skipped: z.array(skippedSchema).optional(),
      notes: z.array(z.string()).optional(),
    })
    .strict(),
  z
    .object({ kind: z.literal('ccw'), sessionDir: z.string(), writeBack: z.boolean(), skipped: z.array(skippedSchema).optional(), notes: z.array(z.string()).optional() })
    .strict(),
]);

export const planFileSchema = z
  .object({
    $schema: z.string().optional(),
    epicId: id,
    title: nonEmpty,
    repo: z.object({ path: z.string().optional(), targetBranch: z.string().min(1).optional() }).strict().optional(),
    items: z.array(itemSchema).min(1, 'a plan needs at least one item'),
    settings: settingsSchema.optional(),
    source: sourceSchema.optional(),
  })
  .strict();

export type PlanFile = z.infer<typeof planFileSchema>;

/** Bad input: every problem found, each naming the file, the item and the field. Nothing may start. */
export class PlanError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid plan\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PlanError';
  }
}

function describePath(raw: unknown, path: PropertyKey[]): string {
  if (path.length === 0) return 'plan';
  const parts: string[] = [];
  let node: unknown = raw;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    if (typeof key === 'number') {
      const el = Array.isArray(node) ? node[key] : undefined;
      const elId = el && typeof el === 'object' && 'id' in el ? (el as { id: unknown }).id : undefined;
      parts[parts.length - 1] += `[${key}]` + (typeof elId === 'string' && elId ? ` (item "${elId}")` : '');
    } else {
      parts.push(String(key));
    }
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return parts.join('.');
}

function zodProblems(raw: unknown, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = describePath(raw, issue.path);
    if (issue.code === 'unrecognized_keys') {
      const what = issue.path.includes('settings') || issue.path.length === 0 ? 'unknown setting' : 'unknown field';
      const label = issue.path.length === 0 ? 'unknown field' : what;
      return `${where}: ${label}${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${where}: is required`;
    return `${where}: ${issue.message}`;
  });
}

export interface NormalizeOptions {
  /** Shown in errors. */
  file: string;
  /** Repository path when the plan has none (from --repo or the current directory). */
  defaultRepoPath: string;
  resolvePath: (p: string) => string;
  /** The other epics of a multi-epic run: a bare `dependsOn` naming one of them waits for that whole epic. */
  otherEpics?: ReadonlySet<string>;
}

function mergeSettings(s: PlanFile['settings']): EpicSettings {
  const d = DEFAULT_SETTINGS;
  const agent = s?.agent ?? {};
  return {
    maxParallel: s?.maxParallel ?? d.maxParallel,
    maxAttempts: s?.maxAttempts ?? d.maxAttempts,
    questionTimeout: s?.questionTimeout ?? d.questionTimeout,
    autoResume: s?.autoResume ?? d.autoResume,
    approval: s?.approval ?? d.approval,
    gates: s?.gates ?? d.gates,
    mergeGates: s?.mergeGates ?? d.mergeGates,
    gateTimeout: s?.gateTimeout ?? d.gateTimeout,
    review: { enabled: s?.review?.enabled ?? d.review.enabled, maxRounds: s?.review?.maxRounds ?? d.review.maxRounds },
    agent: {
      command: agent.command === undefined ? d.agent.command : typeof agent.command === 'string' ? [agent.command] : agent.command,
      model: agent.model,
      permissionMode: agent.permissionMode ?? d.agent.permissionMode,
      maxTurns: agent.maxTurns,
      maxBudgetUsd: agent.maxBudgetUsd,
      allowedTools: agent.allowedTools ?? d.agent.allowedTools,
      sessionTimeout: agent.sessionTimeout ?? d.agent.sessionTimeout,
      heartbeatTimeout: agent.heartbeatTimeout ?? d.agent.heartbeatTimeout,
      maxRetries: agent.maxRetries ?? d.agent.maxRetries,
      retryInterval: agent.retryInterval ?? d.agent.retryInterval,
      ...(agent.env && { env: agent.env }),
      ...(agent.onUsageLimit && { onUsageLimit: agent.onUsageLimit }),
    },
    validation: {
      enabled: s?.validation?.enabled ?? d.validation.enabled,
      maxRounds: s?.validation?.maxRounds ?? d.validation.maxRounds,
    },
    phaseBarriers: s?.phaseBarriers ?? d.phaseBarriers,
    mergeHoldRetry: s?.mergeHoldRetry ?? d.mergeHoldRetry,
    heartbeatTimeout: s?.heartbeatTimeout ?? d.heartbeatTimeout,
    ...(s?.env && { env: s.env }),
    ...(s?.budget && { budget: s.budget }),
    ...(s?.completion && { completion: s.completion }),
  };
}

/** Validates a parsed plan document and returns the normalized `EpicPlan`, or throws `PlanError`. */
export function normalizePlan(raw: unknown, opts: NormalizeOptions): EpicPlan {
  const parsed = planFileSchema.safeParse(raw);
  if (!parsed.success) throw new PlanError(opts.file, [...zodProblems(raw, parsed.error), ...rawDagProblems(raw)]);
  const p = parsed.data;
  const plan: EpicPlan = {
    epicId: p.epicId,
    title: p.title,
    repo: {
      path: opts.resolvePath(p.repo?.path ?? opts.defaultRepoPath),
      targetBranch: p.repo?.targetBranch ?? 'main',
    },
    items: p.items.map((it) => ({
      id: it.id,
      title: it.title.trim(),
      description: it.description ?? '',
      acceptance: it.acceptance ?? [],
      ...splitDependsOn(it.dependsOn ?? [], new Set(p.items.map((i) => i.id)), opts.otherEpics),
      files: it.files ?? [],
      ...(it.role !== undefined && { role: it.role }),
      ...(it.priority !== undefined && { priority: it.priority }),
      ...(it.group !== undefined && { group: it.group }),
      ...(it.phase !== undefined && { phase: it.phase }),
      ...(it.context !== undefined && { context: it.context }),
      ...(it.done !== undefined && { done: it.done }),
      ...(it.links !== undefined && { links: it.links }),
    })),
    settings: mergeSettings(p.settings),
    source: p.source ?? { kind: 'native', file: opts.file },
  };
  assertValidDag(plan, opts.file);
  return plan;
}

/** `dependsOn` split into the epic's own items and other epics' (`<epicId>/<itemId>`, or `<epicId>/*` for a whole epic). */
function splitDependsOn(deps: string[], own: ReadonlySet<string>, otherEpics: ReadonlySet<string> | undefined): Pick<EpicPlan['items'][number], 'dependsOn' | 'crossEpicDependsOn'> {
  const cross = deps.filter((d) => d.includes('/') || (!own.has(d) && otherEpics?.has(d))).map((d) => (d.includes('/') ? d : `${d}/*`));
  const dependsOn = deps.filter((d) => !d.includes('/') && !(cross.includes(`${d}/*`)));
  return cross.length ? { dependsOn, crossEpicDependsOn: cross } : { dependsOn };
}

/** DAG problems of a document that failed schema checks, so one run reports everything it can. */
function rawDagProblems(raw: unknown): string[] {
  const items = raw && typeof raw === 'object' ? (raw as { items?: unknown }).items : undefined;
  if (!Array.isArray(items)) return [];
  const nodes = items
    .filter((it): it is { id: string; dependsOn?: unknown } => Boolean(it) && typeof it === 'object' && typeof (it as { id?: unknown }).id === 'string')
    .map((it) => ({ id: it.id, dependsOn: Array.isArray(it.dependsOn) ? it.dependsOn.filter((d): d is string => typeof d === 'string' && !d.includes('/')) : [] }));
  return findDagProblems(nodes).map(describeDagProblem);
}

/** DAG checks shared by every importer: duplicate ids, unknown and self dependencies, cycles. */
export function assertValidDag(plan: EpicPlan, file: string): void {
  const problems = findDagProblems(plan.items).map(describeDagProblem);
  if (problems.length) throw new PlanError(file, problems);
}

/** The JSON Schema of native plan files (published as schema/epic-plan.schema.json). */
export function planJsonSchema(): object {
  return {
    ...z.toJSONSchema(planFileSchema, { io: 'input' }),
    title: 'Overseer epic plan',
    description: 'A native Overseer plan (YAML or JSON): an epic of work items with dependencies. See README "Plans".',
  };
}
