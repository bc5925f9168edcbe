/** The agent activity's input, result, heartbeat checkpoint and worker options. */
import type { AgentSettings, WorkItem } from '../../common/plan';
import type { AgentReport, SessionKind } from '../../common/reports';
import type { ProcessIdentity } from './process-group';
import type { Usage } from '../../common/usage';
import type { RateLimitInfo, UsageLimit } from '../../common/usage-limit';

export interface AgentRunInput {
  epicId: string;
  item: WorkItem;
  kind: SessionKind;
  /** The item's worktree (or a scratch worktree for validation). */
  cwd: string;
  repoPath: string;
  branch?: string;
  targetBranch: string;
  instructions?: string;
  /** Continue this session (an answer, review findings) instead of starting a new one. */
  resumeSessionId?: string;
  agent: AgentSettings;
  /** The target's commit at the epic's start: council roles (reviewer, tech lead, product manager) are read from it. */
  rolePromptCommit?: string;
  /** `settings.env`: names of secret-looking worker variables the session gets anyway (with `agent.env`). */
  env?: string[];
}

export interface AgentRunResult {
  sessionId: string;
  report: AgentReport;
  /** Cumulative cost of the session as the CLI reports it (it includes earlier turns of a resumed session). */
  sessionCostUsd: number;
  /** Tokens and cost of the session so far (cumulative over its resumptions, like the cost). */
  usage?: Usage;
  /** The account is near its usage limit (`allowed_warning`): noted, stops nothing. */
  usageWarning?: RateLimitInfo;
  numTurns: number;
  durationMs: number;
  transcriptPath: string;
  agentVersion?: string;
  /** True when this attempt continued a session that a previous attempt had started. */
  resumedAfterInterruption: boolean;
  /** Tool calls the CLI denied (nobody can approve a prompt in a headless run), as `Tool(input summary)`. */
  permissionDenials?: string[];
}

/** What an attempt heartbeats; the next attempt reads it from `activityInfo().heartbeatDetails`. */
export interface AgentCheckpoint {
  sessionId: string;
  /** The CLI confirmed the session (init event), so `--resume` will find it. */
  started: boolean;
  host: string;
  pid?: number;
  /** Who `pid` was when this attempt started it: a restarted worker stops only that very process. */
  process?: ProcessIdentity;
  turns: number;
  lastTool?: string;
  costUsd?: number;
  transcriptPath: string;
}

export interface RunnerOptions {
  /** Extra environment for every session of this worker (CLAUDE_CONFIG_DIR, ANTHROPIC_BASE_URL, ...). */
  env?: Record<string, string>;
  /** SIGTERM → SIGKILL delay when a session is cancelled. */
  killGraceMs?: number;
  /** Heartbeat at least this often while the process lives, even when it prints nothing. */
  heartbeatEveryMs?: number;
  /** Where the account's usage limit is shared between the workers of this host (account-gate.ts). */
  accountStateDir?: string;
}

/** `details[0]` of a failed session's ApplicationFailure: enough to account for it, wait and resume it. */
export interface AgentFailureDetails {
  sessionId?: string;
  /** The CLI got going (so `--resume` finds the session). */
  sessionStarted: boolean;
  transcriptPath?: string;
  sessionCostUsd: number;
  usage?: Usage;
  usageLimit?: UsageLimit;
}

/** One CLI run: the prompt, and either the session to resume or the id of a new one. */
export interface SessionPlan {
  prompt: string;
  resume?: string;
  newSessionId?: string;
  transcriptPath: string;
}
