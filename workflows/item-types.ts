/** What an item workflow is given and what it returns, and the two ways a phase ends the item early. */
import type { ItemBudget } from '../common/api';
import type { EpicSettings, PlanSource, WorkItem } from '../common/plan';
import type { Usage } from '../common/usage';
import type { ItemStatus, Question, SessionUsage } from '../common/status';
import type { HostClaim } from '../common/hosts';
import type { HostProxies } from './host-options';

export interface WorkItemInput {
  epicId: string;
  epicWorkflowId: string;
  /** The epic's run counter for this item; updates of older runs are ignored by the epic. */
  run: number;
  item: WorkItem;
  /** `url`: a git remote (issue 12); the item then runs on a worker host's clone of it (item-host.ts). */
  repo: { path: string; targetBranch: string; url?: string };
  settings: EpicSettings;
  source?: PlanSource;
  /** Attempts spent by earlier runs (a human retry gets a fresh budget; the total is shown). */
  priorAttempts?: number;
  /** Cost spent by earlier runs, carried into the status. */
  priorCostUsd?: number;
  /** Tokens used by earlier runs. */
  priorUsage?: Usage;
  /** The target's commit at the epic's start: the council's instructions are read from it. */
  rolePromptCommit?: string;
  /** What the item may spend when it starts (only when the plan sets a budget); the epic signals changes. */
  budget?: ItemBudget;
  /** Set when this run continues an earlier one (continue-as-new while the merge waits). */
  resume?: ItemResume;
}

export type { ItemOutcome, ItemOutcomeState } from '../common/status';

/** Thrown inside the workflow to end the item as failed with a message a human can act on. */
export class ItemFailed extends Error {}
/** Thrown when a human chose to skip the item (merge-conflict question). */
export class ItemSkipped extends Error {}

/** What the next run of an item needs to go on waiting for its merge. */
export interface ItemResume {
  status: ItemStatus;
  worktree: string;
  branch: string;
  attemptsThisRun: number;
  questions: Question[];
  approvedBy?: string;
  sessionCosts: [string, number][];
  sessionUsage?: SessionUsage[];
  budget?: ItemBudget;
  budgetBaseUsd?: number;
  questionSeq: number;
  mergeSeq: number;
  implSession: string;
  summary: string;
  /** The request the queue has (its id names the first run; the queue answers this workflow id). */
  requestId: string;
  shownHold?: string;
  /** The epic follows this item by its reports alone (ItemContext.followedByReports). */
  followedByReports?: boolean;
}

/** The worker host holding an item's worktree, for a plan on a git remote (item-host.ts). */
export interface ItemHost {
  url: string;
  claim?: HostClaim;
  proxies?: HostProxies;
  clone: string;
  /** Which host each agent session ran on: a conversation is resumable only there. */
  sessionHosts: Map<string, string>;
  lost: string[];
}
