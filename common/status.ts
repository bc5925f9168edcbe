/** Item states and the status snapshots returned by the `status` queries (DESIGN §3). */
import type { Usage } from './usage';

export type ItemState =
  | 'pending'
  | 'ready'
  | 'running'
  | 'awaiting_answer'
  | 'gating'
  | 'in_review'
  | 'approved'
  | 'merging'
  | 'merged'
  | 'rejected'
  | 'failed'
  | 'blocked'
  | 'skipped'
  | 'cancelled'
  /** Held by a limit, not by a person's decision: the budget is spent, or the account's usage limit (detail says which). */
  | 'waiting'
  /** Already complete in the plan's source (closed Beads issue, completed ccw task); never run. */
  | 'done';

/** Every item state (a hand-typed message is checked against it). */
export const ITEM_STATES: readonly ItemState[] = [
  'pending', 'ready', 'running', 'awaiting_answer', 'gating', 'in_review', 'approved', 'merging', 'merged',
  'rejected', 'failed', 'blocked', 'skipped', 'cancelled', 'waiting', 'done',
];

/** States after which an item never runs again without a human (retry). */
export const TERMINAL_STATES: readonly ItemState[] = ['merged', 'failed', 'blocked', 'skipped', 'cancelled', 'done'];
/** States that let dependents start. */
export const SATISFYING_STATES: readonly ItemState[] = ['merged', 'skipped', 'done'];

export function isTerminal(state: ItemState): boolean {
  return TERMINAL_STATES.includes(state);
}

export function isSatisfying(state: ItemState): boolean {
  return SATISFYING_STATES.includes(state);
}

/** An item's first step on a git remote, and in a local repository: shown by the epic as it starts the item. */
export const CLAIMING_DETAIL = 'claiming a worker host';
export const PREPARING_DETAIL = 'preparing worktree';

export interface Question {
  questionId: string;
  epicId: string;
  itemId: string;
  kind: 'agent' | 'merge_conflict';
  question: string;
  options?: string[];
  context?: string;
  askedAt: number;
  answer?: string;
  answeredBy?: string;
  answeredAt?: number;
  /** Set when the question timed out and the session was resumed without an answer. */
  timedOut?: boolean;
}

export interface AnswerInput {
  questionId: string;
  answer: string;
  answeredBy?: string;
}

export interface ItemStatus {
  itemId: string;
  title: string;
  state: ItemState;
  /** One line on what is happening or what went wrong. */
  detail?: string;
  attempts: number;
  branch?: string;
  worktree?: string;
  /** The worker host holding the item's worktree (plans on a git remote, issue 12). */
  host?: string;
  /** Hosts the item lost (they died under it) and moved on from. */
  lostHosts?: string[];
  sessionId?: string;
  pendingQuestion?: Question;
  mergeCommit?: string;
  /** The implementer's summary of the merged change (handed to the items that depend on it). */
  summary?: string;
  costUsd: number;
  /** Tokens and cost of the item's sessions, in all (per model in `usage.byModel`). */
  usage?: Usage;
  /** Each session of the item with what it used (the latest few). */
  sessions?: SessionUsage[];
  startedAt?: number;
  finishedAt?: number;
  /** Version string reported by the agent CLI (from its init event). */
  agentVersion?: string;
  /** Where the session transcripts are, on the worker that ran them. */
  transcripts?: string[];
  /** Failed write-backs to the plan source (never fail the item). */
  writeBackErrors?: string[];
  /** Merged, and still removing its worktree and writing back: its slot is free, the epic does not finish yet. */
  cleaningUp?: boolean;
  history?: string[];
}

export interface SessionUsage {
  sessionId: string;
  kind: string;
  usage: Usage;
}

/** The epic's budget (`overseer budget <epicId>`): the limits, what was spent, what remains. */
export interface BudgetView {
  epicUsd?: number;
  itemUsd?: number;
  /** Raised limits of single items. */
  items?: Record<string, number>;
  spentUsd: number;
  remainingUsd?: number;
}

export type EpicPhase = 'running' | 'paused' | 'awaiting_human' | 'validating' | 'completed' | 'failed' | 'cancelled';

export interface EpicStatus {
  epicId: string;
  title: string;
  phase: EpicPhase;
  repoPath: string;
  /** A plan on a git remote: its URL (`repoPath` is then empty). */
  repoUrl?: string;
  targetBranch: string;
  items: ItemStatus[];
  startedAt: number;
  finishedAt?: number;
  validationRounds: number;
  costUsd: number;
  /** Tokens and cost of every item's sessions. */
  usage?: Usage;
  budget?: BudgetView;
}

export interface EpicResult {
  epicId: string;
  phase: EpicPhase;
  items: { itemId: string; state: ItemState; mergeCommit?: string; attempts: number; costUsd: number; durationMs?: number }[];
  costUsd: number;
  durationMs: number;
}

/** What an item workflow tells its epic (by signal) whenever something worth showing changes. */
export interface ItemUpdate {
  itemId: string;
  /** The item workflow's run counter for this item (retries start new runs); stale updates are ignored. */
  run: number;
  status: ItemStatus;
}

export type ItemOutcomeState = 'merged' | 'failed' | 'skipped' | 'cancelled';

/** What an item workflow returns to its epic. */
export interface ItemOutcome {
  itemId: string;
  state: ItemOutcomeState;
  mergeCommit?: string;
  attempts: number;
  costUsd: number;
  error?: string;
  /** The implementer's summary (merged items). */
  summary?: string;
}
