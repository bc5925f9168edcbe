/**
 * The normalized plan: the input of `epicWorkflow` (DESIGN §4). Plain types only — this module is imported by
 * workflow code, so it must stay free of Node APIs and heavy libraries (the zod schema lives in plan-schema.ts).
 */

/** A duration string such as `30s`, `5m`, `2h`, `1d` (Temporal accepts these as-is). */
export type DurationString = string;

export type ApprovalMode = 'none' | 'before-merge';

export type PermissionMode = 'acceptEdits' | 'auto' | 'bypassPermissions' | 'default' | 'manual' | 'dontAsk' | 'plan';

export interface AgentSettings {
  /** The executable (and leading arguments) to run instead of `claude`, e.g. `["node", "sim.mjs"]`. */
  command: string[];
  model?: string;
  permissionMode: PermissionMode;
  maxTurns?: number;
  maxBudgetUsd?: number;
  /** Extra `--allowedTools` rules, e.g. `Bash(npm test*)`. */
  allowedTools: string[];
  /** Upper bound for one agent session (one activity attempt). */
  sessionTimeout: DurationString;
  /** A session whose worker sends no heartbeat for this long (the worker died) is resumed on another worker. */
  heartbeatTimeout: DurationString;
  /** Retries of one session after a retryable failure (rate limit, overload, crash). */
  maxRetries: number;
  /** First delay between retries; doubles each time. */
  retryInterval: DurationString;
  /** Names of worker variables the sessions get besides the default environment (README, Environments). */
  env?: string[];
  /** When the account's usage limit is hit: wait for its reset and resume the same session (default), or fail. */
  onUsageLimit?: 'wait' | 'fail';
}

export interface ValidationSettings {
  enabled: boolean;
  maxRounds: number;
}

export interface ReviewSettings {
  /** Fail closed: the council runs unless a plan turns it off explicitly. */
  enabled: boolean;
  /** Implementer ↔ reviewer exchanges before the tech lead decides. */
  maxRounds: number;
}

export interface EpicSettings {
  maxParallel: number;
  maxAttempts: number;
  questionTimeout: DurationString;
  autoResume: boolean;
  approval: ApprovalMode;
  /** Shell commands run in the item's worktree before review. */
  gates: string[];
  /** Shell commands run on the merge result before the target branch moves. */
  mergeGates: string[];
  /** Per gate command. */
  gateTimeout: DurationString;
  review: ReviewSettings;
  agent: AgentSettings;
  validation: ValidationSettings;
  /** Items of phase N start only when every item of earlier phases is done (ccw "Phased" execution model). */
  phaseBarriers: boolean;
  /** How long the merge queue waits before retrying a merge held by a dirty checkout of the target branch. */
  mergeHoldRetry: DurationString;
  /**
   * The merge queue tests up to `max` waiting requests together (gates once on their stack); 1 turns batching off.
   * With merge gates, a batch that is not full waits up to `wait` from its first request's arrival for more.
   */
  mergeBatch: { max: number; wait: DurationString };
  /** A worker silent this long during git, gate or merge work is considered dead; the work moves to another. */
  heartbeatTimeout: DurationString;
  /** Names of worker variables gates and sessions get besides the default environment (README, Environments). */
  env?: string[];
  /** USD limits for the whole epic and for each item (common/budget.ts); a raise goes through `overseer budget`. */
  budget?: { epicUsd?: number; itemUsd?: number };
  /** ccw sessions: `auto` archives the finished session, `ask` asks a human first ("review" or "complete"). */
  completion?: 'auto' | 'ask';
}

export interface WorkItem {
  id: string;
  title: string;
  description: string;
  acceptance: string[];
  dependsOn: string[];
  role?: string;
  /** 0 is the highest. Items without a priority sort after those with one. */
  priority?: number;
  /**
   * How long the plan's author expects the item to take ("45m", "2h"). Ready items whose remaining chain of
   * estimated work is longest start first (common/dag.ts); without estimates every item counts the same.
   */
  estimate?: string;
  group?: string;
  phase?: number;
  files: string[];
  /** Extra instructions for the agent collected by importers (requirements, steps, focus paths...). */
  context?: string[];
  /** Already complete in the plan's source (a closed Beads issue, a completed ccw task): never run. */
  done?: boolean;
  /** Links that order nothing (Beads `related`, ...), kept for display. */
  links?: { type: string; target: string }[];
  /** Items of other epics of the same program this one waits for, as `<epicId>/<itemId>` (common/program.ts). */
  crossEpicDependsOn?: string[];
}

/** An item of the source that the plan leaves out, and why (shown by `overseer plan`). */
export interface SkippedSourceItem {
  id: string;
  reason: string;
}

/** Where the plan came from, so results can be written back there. */
export type PlanSource =
  | { kind: 'native'; file?: string }
  | {
      kind: 'beads';
      /** The export read; absent when the plan came from `bd export` itself. */
      file?: string;
      epic: string;
      writeBack: boolean;
      /** Where `bd` runs for write-back (it finds its database from there). */
      cwd?: string;
      skipped?: SkippedSourceItem[];
      /** Things worth a word before the run (e.g. a source without dependency edges). */
      notes?: string[];
    }
  | { kind: 'ccw'; sessionDir: string; writeBack: boolean; skipped?: SkippedSourceItem[]; notes?: string[] };

export interface EpicPlan {
  epicId: string;
  title: string;
  /** `url` (a git remote) plans have `path: ''`: every host works on its own clone of the remote. */
  repo: { path: string; targetBranch: string; url?: string };
  items: WorkItem[];
  settings: EpicSettings;
  source?: PlanSource;
  /** Set when the epic runs in a program (several epics, `overseer run a.yaml b.yaml`): where it reports merges. */
  program?: { programId: string };
}

export const DEFAULT_SETTINGS: EpicSettings = {
  maxParallel: 3,
  maxAttempts: 2,
  questionTimeout: '24h',
  autoResume: false,
  approval: 'none',
  gates: [],
  mergeGates: [],
  gateTimeout: '10m',
  review: { enabled: true, maxRounds: 2 },
  agent: {
    command: ['claude'],
    permissionMode: 'acceptEdits',
    allowedTools: [],
    sessionTimeout: '2h',
    heartbeatTimeout: '30s',
    maxRetries: 4,
    retryInterval: '5s',
  },
  validation: { enabled: false, maxRounds: 2 },
  phaseBarriers: false,
  mergeHoldRetry: '30s',
  mergeBatch: { max: 8, wait: '1s' },
  heartbeatTimeout: '30s',
};

/**
 * Fills missing settings with defaults. The client's zod normalization already does this; the workflow repeats it
 * (without zod) because a plan may also arrive straight from `temporal workflow start --input-file`.
 */
export function withDefaultSettings(settings: Partial<EpicSettings> | undefined): EpicSettings {
  const s = settings ?? {};
  const agent: Partial<AgentSettings> & { command?: string[] | string } = s.agent ?? {};
  return {
    ...DEFAULT_SETTINGS,
    ...s,
    review: { ...DEFAULT_SETTINGS.review, ...(s.review ?? {}) },
    validation: { ...DEFAULT_SETTINGS.validation, ...(s.validation ?? {}) },
    mergeBatch: { ...DEFAULT_SETTINGS.mergeBatch, ...(s.mergeBatch ?? {}) },
    agent: {
      ...DEFAULT_SETTINGS.agent,
      ...agent,
      command: typeof agent.command === 'string' ? [agent.command] : agent.command ?? DEFAULT_SETTINGS.agent.command,
    },
  };
}
