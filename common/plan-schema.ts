/**
 * The zod schema of a native plan file and its normalization into an `EpicPlan`. The client, the activities and
 * the epic's checks of follow-up items use it (zod is pure and deterministic).
 */
import { z } from 'zod';
import { DEFAULT_SETTINGS, type EpicPlan, type EpicSettings } from './plan';
import { ID_CHARACTERS_MESSAGE, ID_LENGTH_MESSAGE, ID_PATTERN, MAX_ID_LENGTH } from './ids';
import { describeDagProblem, findDagProblems, type DagProblem } from './dag';
import { at, dagProblemPath, didYouMean, knownKeysAt, typeName, valueAt, wrongType, type PlanLocator } from './plan-problems';

export type { PlanLocator } from './plan-problems';
import { DURATION_PATTERN } from './durations';

// Each part of the schema is built by a function; the whole is built once, on first use (planFileSchema below).
const duration = () =>
  z
    .string()
    .regex(DURATION_PATTERN, 'must be a duration such as "30s", "5m", "2h" or "1d"');

const id = () =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(MAX_ID_LENGTH, ID_LENGTH_MESSAGE)
    .regex(ID_PATTERN, ID_CHARACTERS_MESSAGE);

const nonEmpty = () =>
  z.string().trim().min(1, 'must not be empty');

const envNames = () =>
  z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable'));

const command = () =>
  z.union([nonEmpty(), z.array(nonEmpty()).min(1, 'must name an executable')]);

const agentSchema = () =>
  z
    .object({
      command: command().optional().describe('The agent executable and its leading arguments, instead of `claude`: a string or a list such as ["node", "sim.mjs"]. Default: claude.'),
      model: z.string().optional().describe('The model the agent uses (passed as --model), e.g. sonnet or opus. Default: the agent\'s own.'),
      permissionMode: z.enum(['acceptEdits', 'auto', 'bypassPermissions', 'default', 'manual', 'dontAsk', 'plan']).optional().describe('Claude Code permission mode for every session. Default: acceptEdits.'),
      maxTurns: z.number().int().positive().optional().describe('Most agent turns in one session (--max-turns).'),
      maxBudgetUsd: z.number().positive().optional().describe('Most US dollars one session may spend (--max-budget-usd).'),
      allowedTools: z.array(z.string()).optional().describe('Extra --allowedTools rules, e.g. "Bash(npm test*)".'),
      sessionTimeout: duration().optional().describe('Upper bound for one agent session, e.g. "2h". Default: 2h.'),
      heartbeatTimeout: duration().optional().describe('A session whose worker sends no heartbeat for this long is resumed on another worker.'),
      maxRetries: z.number().int().min(0).optional().describe('Retries of one session after a retryable failure (rate limit, overload, crash). Default: 4.'),
      retryInterval: duration().optional().describe('First delay between session retries; doubles each time. Default: 5s.'),
      env: envNames().optional().describe('Names of worker variables the sessions get besides the default environment (README, Environments), e.g. ["GH_TOKEN"].'),
      onUsageLimit: z.enum(['wait', 'fail']).optional().describe("When the account's usage limit is hit: wait for its reset and resume the same session, or fail the item. Default: wait."),
    })
    .strict();

const budgetSchema = () =>
  z
    .object({
      epicUsd: z.number().positive().optional().describe('Most US dollars the whole epic may spend; raise it with `overseer budget <epicId> --add <usd>`.'),
      itemUsd: z.number().positive().optional().describe('Most US dollars one item may spend.'),
    })
    .strict();

const settingsSchema = () =>
  z
    .object({
      maxParallel: z.number().int().min(1).optional().describe('How many items run at once. Default: 3.'),
      maxAttempts: z.number().int().min(1).optional().describe('Implementation attempts per item; gate fixes and council rejections spend them. Default: 2.'),
      questionTimeout: duration().optional().describe('How long an agent\'s question waits for a human answer, e.g. "5m". Default: 5m.'),
      autoResume: z.boolean().optional().describe('When a question times out, resume the session on its own judgment (true) or keep waiting (false). Default: true.'),
      approval: z.enum(['none', 'before-merge']).optional().describe('before-merge: a human approves each merge (`overseer approve`). Default: none.'),
      gates: z.array(nonEmpty()).optional().describe('Shell commands run in the item\'s worktree before review, e.g. ["npm test"].'),
      mergeGates: z.array(nonEmpty()).optional().describe('Shell commands run on the merge result before the target branch moves.'),
      gateTimeout: duration().optional().describe('Upper bound for each gate command. Default: 10m.'),
      review: z
        .object({
          enabled: z.boolean().optional().describe('The review council runs unless this is false. Default: true.'),
          maxRounds: z.number().int().min(1).optional().describe('Implementer-reviewer exchanges before the tech lead decides. Default: 2.'),
        })
        .strict()
        .optional()
        .describe('The review council that checks each item before it merges.'),
      agent: agentSchema().optional().describe('How the coding agent (Claude Code) runs.'),
      validation: z
        .object({
          enabled: z.boolean().optional().describe('After every item is done, a product manager checks the integrated result and may add follow-up items. Default: false.'),
          maxRounds: z.number().int().min(0).optional().describe('Most validation rounds. Default: 2.'),
        })
        .strict()
        .optional()
        .describe('Validation of the integrated result once every item is done.'),
      phaseBarriers: z.boolean().optional().describe('Items of phase N start only when every item of earlier phases is done. Default: false.'),
      mergeHoldRetry: duration().optional().describe('How long the merge queue waits before retrying a merge held by a dirty checkout of the target branch.'),
      mergeBatch: z
        .object({
          max: z.number().int().min(1).max(100).optional().describe('Most requests the merge queue tests together (1 turns batches off). Default: 8.'),
          wait: duration()
            .optional()
            .describe('With merge gates: how long a batch that is not full waits, from its first request, for more requests to join it. Default: 1s.'),
        })
        .strict()
        .optional()
        .describe('Merge batches: waiting requests are stacked, gated once on the top and bisected when red.'),
      heartbeatTimeout: duration().optional().describe('A worker silent this long during git, gate or merge work is considered dead; the work moves to another.'),
      env: envNames().optional().describe('Names of worker variables gates and sessions get besides the default environment (README, Environments), e.g. ["NPM_TOKEN"].'),
      budget: budgetSchema().optional().describe('USD limits: when nothing remains, no session starts and the epic waits for a raise.'),
      completion: z
        .enum(['auto', 'ask'])
        .describe('claude-code-workflow sessions: "auto" (default) archives the finished session; "ask" asks a human to "review" (a review session first) or "complete"')
        .optional(),
    })
    .strict();

const itemSchema = () =>
  z
    .object({
      id: id().describe('The item\'s id, unique in the plan: letters, digits, ".", "_" and "-".'),
      title: nonEmpty().describe('One line: what the item does.'),
      description: z.string().optional().describe('What to build, for the agent.'),
      acceptance: z.array(z.string()).optional().describe('Acceptance criteria the review council checks.'),
      dependsOn: z.array(z.string()).optional().describe('Ids of the items that must be merged (or skipped) before this one starts.'),
      role: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be a role name such as "backend-engineer"').optional().describe('The agent\'s role prompt: agents/<role>.md, or the repository\'s .claude/agents/<role>.md.'),
      priority: z.number().int().min(0).optional().describe('0 is the highest; items without one sort after those with one.'),
      estimate: duration()
        .optional()
        .describe('How long the item is expected to take, e.g. "45m": the ready item with the longest chain of estimated work after it starts first. Items without one count as the median estimate.'),
      group: z.string().optional().describe('A label for display.'),
      phase: z.number().int().min(0).optional().describe('The item\'s phase (with settings.phaseBarriers).'),
      files: z.array(z.string()).optional().describe('Files the item is expected to touch (a hint for the agent).'),
      context: z.array(z.string()).optional().describe('Extra instructions for the agent.'),
      done: z.boolean().optional().describe('Already complete: never run, counts as satisfied for dependents.'),
      crossEpicDependsOn: z
        .array(z.string())
        .optional()
        .describe('Set by `overseer run a.yaml b.yaml`: items of other epics of the run this one waits for, as "<epicId>/<itemId>" (write them in dependsOn).'),
      links: z
        .array(z.object({ type: z.string().describe('The kind of link, e.g. related.'), target: z.string().describe('The linked id.') }))
        .optional()
        .describe('Links that order nothing, kept for display.'),
    })
    .strict();

const skippedSchema = () =>
  z
    .object({ id: z.string().describe('The source item left out.'), reason: z.string().describe('Why it was left out.') })
    .strict();

const writeBack = () =>
  z.boolean().describe('Write results back to the source as items progress.');
  const skipped = () =>
    z.array(skippedSchema()).optional().describe('Items of the source the plan leaves out, and why.');
  const notes = () =>
    z.array(z.string()).optional().describe('Things worth a word before the run.');

const sourceSchema = () =>
  z.union([
    z
      .object({ kind: z.literal('native').describe('A native YAML/JSON plan.'), file: z.string().optional().describe('The plan file.') })
      .strict(),
    z
      .object({
        kind: z.literal('beads').describe('A Beads (bd) export.'),
        file: z.string().optional().describe('The export read; absent when the plan came from `bd export` itself.'),
        epic: z.string().describe('The Beads epic.'),
        writeBack: writeBack(),
        cwd: z.string().optional().describe('Where `bd` runs for write-back.'),
        skipped: skipped(),
        notes: notes(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('ccw').describe('A claude-code-workflow session.'),
        sessionDir: z.string().describe('The session folder (.workflow/active/WFS-*).'),
        writeBack: writeBack(),
        skipped: skipped(),
        notes: notes(),
      })
      .strict(),
  ]);

function buildPlanFileSchema() {
  return z
    .object({
      $schema: z.string().optional().describe('The JSON Schema of this file, for editors.'),
      epicId: id().describe('The epic\'s id: its workflow is epic/<epicId>. Letters, digits, ".", "_" and "-".'),
      title: nonEmpty().describe('One line: what the epic delivers.'),
      repo: z
        .object({
          path: z.string().optional().describe('The repository, relative to this file. Default: --repo, then the current directory.'),
          url: z
            .string()
            .min(1)
            .optional()
            .describe('A git remote (ssh://, https://, git://, file:// or a bare repository path) instead of a local path; workers keep their own clone.'),
          targetBranch: z.string().min(1).optional().describe('The branch items merge into. Default: main.'),
        })
        .strict()
        .optional()
        .describe('The git repository the epic runs on.'),
      items: z.array(itemSchema()).min(1, 'a plan needs at least one item').describe('The work items; each runs in its own worktree and merges on its own.'),
      settings: settingsSchema().optional().describe('How the epic runs; every setting has a default (`overseer plan` prints them).'),
      source: sourceSchema().optional().describe('Where the plan came from (set by importers; results are written back there).'),
      program: z
        .object({ programId: z.string().describe('The program id of the run (its workflow is program/<programId>).') })
        .strict()
        .optional()
        .describe('Set by `overseer run a.yaml b.yaml`: the program (several epics) this epic runs in; it reports merges to program/<programId>.'),
    })
    .strict();
}

/**
 * Built on first use, not when the module loads: the workflow bundle carries this module (the epic checks
 * follow-up items with it), and every new workflow evaluates the bundle's modules again — building the schema
 * there cost each workflow about 15 ms, mostly of items that never use it.
 */
let built: ReturnType<typeof buildPlanFileSchema> | undefined;
export const planFileSchema = (): ReturnType<typeof buildPlanFileSchema> => (built ??= buildPlanFileSchema());

export type PlanFile = z.infer<ReturnType<typeof buildPlanFileSchema>>;

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

function zodProblem(raw: unknown, issue: z.core.$ZodIssue, locate?: PlanLocator): string[] {
  const where = describePath(raw, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const label = issue.path.includes('settings') ? 'unknown setting' : 'unknown field';
    const known = knownKeysAt(planFileSchema(), issue.path);
    return issue.keys.map((k) => {
      const guess = didYouMean(k, known);
      return `${where}: ${label} "${k}"${guess ? `, did you mean "${guess}"?` : ''}${at(locate, issue.path, k)}`;
    });
  }
  const value = valueAt(raw, issue.path);
  const pos = at(locate, issue.path);
  if (issue.code === 'invalid_type' && value === undefined) return [`${where}: is required${pos}`];
  if (issue.code === 'invalid_type') return [`${where}: ${wrongType(issue.expected, value)}${pos}`];
  if (issue.code === 'invalid_union') return [`${where}: expected a string or a list of strings, got ${typeName(value)} ${JSON.stringify(value)}${pos}`];
  if (issue.code === 'invalid_value') return [`${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}${pos}`];
  return [`${where}: ${issue.message}${pos}`];
}

function zodProblems(raw: unknown, error: z.ZodError, locate?: PlanLocator): string[] {
  return error.issues.flatMap((issue) => zodProblem(raw, issue, locate));
}

export interface NormalizeOptions {
  /** Shown in errors. */
  file: string;
  /** Repository path when the plan has none (from --repo or the current directory). */
  defaultRepoPath: string;
  resolvePath: (p: string) => string;
  /** The other epics of a multi-epic run: a bare `dependsOn` naming one of them waits for that whole epic. */
  otherEpics?: ReadonlySet<string>;
  /** Line and column of a node of the document, for every problem (native YAML/JSON files). */
  locate?: PlanLocator;
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
    mergeBatch: { max: s?.mergeBatch?.max ?? d.mergeBatch.max, wait: s?.mergeBatch?.wait ?? d.mergeBatch.wait },
    heartbeatTimeout: s?.heartbeatTimeout ?? d.heartbeatTimeout,
    ...(s?.env && { env: s.env }),
    ...(s?.budget && { budget: s.budget }),
    ...(s?.completion && { completion: s.completion }),
  };
}

/** `repo.url` plans name a remote and no local path; the others resolve their path as they always did. */
function planRepo(repo: PlanFile['repo'], opts: NormalizeOptions): EpicPlan['repo'] {
  const targetBranch = repo?.targetBranch ?? 'main';
  // A normalized url plan carries `path: ''` (and comes back here when a workflow checks it).
  if (repo?.path && repo.url !== undefined) throw new PlanError(opts.file, ['repo: give either repo.path (a local repository) or repo.url (a git remote), not both']);
  if (repo?.url !== undefined) return { path: '', url: repo.url, targetBranch };
  return { path: opts.resolvePath(repo?.path ?? opts.defaultRepoPath), targetBranch };
}

/** Validates a parsed plan document and returns the normalized `EpicPlan`, or throws `PlanError`. */
export function normalizePlan(raw: unknown, opts: NormalizeOptions): EpicPlan {
  const parsed = planFileSchema().safeParse(raw);
  if (!parsed.success) throw new PlanError(opts.file, [...zodProblems(raw, parsed.error, opts.locate), ...rawDagProblems(raw, opts.locate)]);
  const p = parsed.data;
  const plan: EpicPlan = {
    epicId: p.epicId,
    title: p.title,
    repo: planRepo(p.repo, opts),
    items: p.items.map((it) => ({
      id: it.id,
      title: it.title.trim(),
      description: it.description ?? '',
      acceptance: it.acceptance ?? [],
      ...splitDependsOn(it.dependsOn ?? [], new Set(p.items.map((i) => i.id)), opts.otherEpics),
      files: it.files ?? [],
      ...(it.role !== undefined && { role: it.role }),
      ...(it.priority !== undefined && { priority: it.priority }),
      ...(it.estimate !== undefined && { estimate: it.estimate }),
      ...(it.group !== undefined && { group: it.group }),
      ...(it.phase !== undefined && { phase: it.phase }),
      ...(it.context !== undefined && { context: it.context }),
      ...(it.done !== undefined && { done: it.done }),
      ...(it.links !== undefined && { links: it.links }),
    })),
    settings: mergeSettings(p.settings),
    source: p.source ?? { kind: 'native', file: opts.file },
  };
  assertValidDag(plan, opts.file, opts.locate && ((path) => opts.locate!(path)));
  return plan;
}

/** `dependsOn` split into the epic's own items and other epics' (`<epicId>/<itemId>`, or `<epicId>/*` for a whole epic). */
function splitDependsOn(deps: string[], own: ReadonlySet<string>, otherEpics: ReadonlySet<string> | undefined): Pick<EpicPlan['items'][number], 'dependsOn' | 'crossEpicDependsOn'> {
  const cross = deps.filter((d) => d.includes('/') || (!own.has(d) && otherEpics?.has(d))).map((d) => (d.includes('/') ? d : `${d}/*`));
  const dependsOn = deps.filter((d) => !d.includes('/') && !(cross.includes(`${d}/*`)));
  return cross.length ? { dependsOn, crossEpicDependsOn: cross } : { dependsOn };
}

/** DAG problems of a document that failed schema checks, so one run reports everything it can. */
function rawDagProblems(raw: unknown, locate?: PlanLocator): string[] {
  const items = raw && typeof raw === 'object' ? (raw as { items?: unknown }).items : undefined;
  if (!Array.isArray(items)) return [];
  const nodes = items
    .filter((it): it is { id: string; dependsOn?: unknown } => Boolean(it) && typeof it === 'object' && typeof (it as { id?: unknown }).id === 'string')
    .map((it) => ({ id: it.id, dependsOn: Array.isArray(it.dependsOn) ? it.dependsOn.filter((d): d is string => typeof d === 'string' && !d.includes('/')) : [] }));
  return findDagProblems(nodes).map((p) => describeDagProblem(p) + locateDag(p, items, locate));
}

function locateDag(p: DagProblem, items: unknown[], locate?: PlanLocator): string {
  const where = locate && dagProblemPath(p, items);
  return where ? at(locate, where) : '';
}

/** DAG checks shared by every importer: duplicate ids, unknown and self dependencies, cycles. */
export function assertValidDag(plan: EpicPlan, file: string, locate?: PlanLocator): void {
  const problems = findDagProblems(plan.items).map((p) => describeDagProblem(p) + locateDag(p, plan.items, locate));
  if (problems.length) throw new PlanError(file, problems);
}

/** The JSON Schema of native plan files (published as schema/epic-plan.schema.json). */
export function planJsonSchema(): object {
  return {
    ...z.toJSONSchema(planFileSchema(), { io: 'input' }),
    title: 'Overseer epic plan',
    description: 'A native Overseer plan (YAML or JSON): an epic of work items with dependencies. See README "Plans".',
  };
}
