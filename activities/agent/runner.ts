/**
 * The agent runner (DESIGN §5): one Claude Code session as one activity attempt.
 *
 * `claude -p --output-format stream-json --verbose --json-schema <report schema>` runs in the item's worktree
 * with the prompt on stdin (session-process.ts). Each event heartbeats a small checkpoint (session id, turns, last
 * tool, pid and who that pid is). The full transcript goes to `<repo>/.overseer/logs/`; only a summary and its
 * path are returned. A retried attempt (after a worker crash, a timeout or a retryable API error) continues the
 * recorded session with `--resume` instead of starting over.
 */
import { existsSync } from 'node:fs';
import { activityInfo, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { classifySessionEnd, isSessionNotFound } from './classify';
import { loadRolePrompt, roleFor } from './prompts';
import { validateReport } from './report';
import { isReadOnly } from './args';
import { reapPrevious } from './reaper';
import { runSession, type SessionOutcome } from './session-process';
import { freshSession, sessionFor } from './session-plan';
import type { AgentCheckpoint, AgentRunInput, AgentRunResult, RunnerOptions, SessionPlan } from './types';
import { git } from '../git-repo';
import { crashPoint } from '../crash-points';
import { prepareWorktree } from '../worktrees';
import { readCouncilPrompt } from '../role-prompts';
import { accountFile, defaultAccountStateDir, limitInForce, recordLimit } from './account-gate';
import { usageOfResult } from '../../common/usage';
import { usageLimitDetail, type UsageLimit } from '../../common/usage-limit';

export type { AgentCheckpoint, AgentRunInput, AgentRunResult, RunnerOptions } from './types';
export { buildArgs, permissionModeFor } from './args';
export { transcriptPathFor } from './session-plan';

/** The worktree went away (a crash during cleanup, a human): rebuild it from the item's branch. */
async function ensureWorktree(input: AgentRunInput): Promise<void> {
  if (existsSync(input.cwd)) return;
  if (input.kind === 'validate') throw ApplicationFailure.retryable(`worktree ${input.cwd} does not exist`, 'WorktreeMissing');
  await prepareWorktree({ repoPath: input.repoPath, epicId: input.epicId, itemId: input.item.id, targetBranch: input.targetBranch });
}

/** Reviewers must not change the code: whatever a read-only session left behind is dropped. */
async function readOnlyGuard(input: AgentRunInput): Promise<() => Promise<void>> {
  const base = isReadOnly(input.kind) ? await git(input.cwd).raw(['rev-parse', 'HEAD']).catch(() => undefined) : undefined;
  return async () => {
    if (!base) return;
    await git(input.cwd).raw(['reset', '--hard', base]).catch(() => undefined);
    await git(input.cwd).raw(['clean', '-fd']).catch(() => undefined);
  };
}

/** A failed session as the activity failure its class calls for; otherwise the validated report. */
function resultOf(input: AgentRunInput, run: SessionOutcome, plan: SessionPlan, started: number, resumedAfterInterruption: boolean, gate: string): AgentRunResult {
  const end = classifySessionEnd(run.progress, { ...run, command: input.agent.command.join(' ') });
  if (!end.ok) {
    if (end.usageLimit) recordLimit(gate, end.usageLimit);
    const result = run.progress.result;
    throw ApplicationFailure.create({
      message: `${end.message} (transcript: ${plan.transcriptPath})`,
      type: end.type,
      nonRetryable: !end.retryable,
      // What the workflow needs to wait and resume: the session, what it cost, the limit.
      details: [{ sessionId: run.progress.sessionId, sessionStarted: run.progress.events > 0, transcriptPath: plan.transcriptPath, sessionCostUsd: result?.total_cost_usd ?? 0, usage: usageOfResult(result as Record<string, unknown> | undefined), usageLimit: end.usageLimit }],
    });
  }
  crashPoint('agent:after-result');
  const result = run.progress.result!;
  const report = validateReport(input.kind, result.structured_output ?? result.result);
  if (!report.ok) {
    throw ApplicationFailure.retryable(`agent report is not valid: ${report.error} (transcript: ${plan.transcriptPath})`, 'AgentBadReport');
  }
  return {
    sessionId: run.progress.sessionId ?? plan.resume ?? plan.newSessionId!,
    report: report.value,
    sessionCostUsd: result.total_cost_usd ?? 0,
    usage: usageOfResult(result as unknown as Record<string, unknown>),
    ...(run.progress.rateLimit?.status === 'allowed_warning' ? { usageWarning: run.progress.rateLimit } : {}),
    numTurns: result.num_turns ?? run.progress.turns,
    durationMs: Date.now() - started,
    transcriptPath: plan.transcriptPath,
    agentVersion: run.progress.agentVersion,
    resumedAfterInterruption,
    permissionDenials: summarizeDenials(result.permission_denials),
  };
}

/** A session not started because the account's limit is in force (another session met it). */
function heldByLimit(limit: UsageLimit, resume: string | undefined): ApplicationFailure {
  return ApplicationFailure.create({
    message: `Claude's ${usageLimitDetail(limit, Date.now())} (met by another session of this account; no session started)`,
    type: 'AgentUsageLimit',
    nonRetryable: true,
    details: [{ sessionId: resume, sessionStarted: false, sessionCostUsd: 0, usageLimit: limit }],
  });
}

export function createAgentRunner(options: RunnerOptions = {}) {
  const settings = { env: options.env, killGraceMs: options.killGraceMs ?? 5000, heartbeatEveryMs: options.heartbeatEveryMs ?? 5000 };
  const stateDir = options.accountStateDir ?? defaultAccountStateDir();
  const gate = accountFile(stateDir, { ...process.env, ...(options.env ?? {}) });

  /** The activity: one session, resumed where a previous attempt left it. */
  async function runAgent(input: AgentRunInput): Promise<AgentRunResult> {
    const started = Date.now();
    if (!input.agent.command.length) throw ApplicationFailure.nonRetryable('settings.agent.command is empty', 'AgentBadInput');
    await ensureWorktree(input);
    const previous = activityInfo().heartbeatDetails as AgentCheckpoint | undefined;
    await reapPrevious(previous, settings.killGraceMs);
    const role = roleFor(input.kind, input.item.role);
    // The council's instructions as the target had them when the epic started (a merged change cannot rewrite them).
    const fixed = input.rolePromptCommit ? await readCouncilPrompt(role, input.repoPath, input.rolePromptCommit) : undefined;
    const rolePrompt = (fixed ?? (await loadRolePrompt(role, input.repoPath))).text;
    const discardChanges = await readOnlyGuard(input);

    let { plan, resumedAfterInterruption } = sessionFor(input, previous);
    const held = limitInForce(gate);
    if (held) throw heldByLimit(held, plan.resume);
    let run = await runSession(input, plan, rolePrompt, settings);
    if (plan.resume && isSessionNotFound(run.progress, run.stderr)) {
      // The session is not on this machine (another worker host, or it never got going): start afresh.
      Context.current().log.warn('session not found; starting a new one', { sessionId: plan.resume });
      plan = freshSession(input);
      resumedAfterInterruption = false;
      run = await runSession(input, plan, rolePrompt, settings);
    }
    await discardChanges();
    return resultOf(input, run, plan, started, resumedAfterInterruption, gate);
  }

  return { runAgent };
}

/** `Bash(npm test)`, `Write(src/x.ts)`: enough for a human to write an `allowedTools` rule. */
export function summarizeDenials(denials: unknown[] | undefined): string[] | undefined {
  if (!denials?.length) return undefined;
  return denials.slice(0, 10).map((d) => {
    const { tool_name: tool, tool_input: input } = (d ?? {}) as { tool_name?: string; tool_input?: Record<string, unknown> };
    const detail = input && (typeof input.command === 'string' ? input.command : typeof input.file_path === 'string' ? input.file_path : undefined);
    return `${tool ?? 'tool'}${detail ? `(${detail.slice(0, 80)})` : ''}`;
  });
}
