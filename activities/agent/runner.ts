/**
 * The agent runner (DESIGN §5): one Claude Code session as one activity attempt.
 *
 * `claude -p <prompt> --output-format stream-json --verbose --json-schema <report schema>` runs in the item's
 * worktree with stdin closed. Events are parsed line by line; each one heartbeats a small checkpoint (session id,
 * turns, last tool, pid). The full transcript goes to `<repo>/.overseer/logs/`; only a summary and its path are
 * returned. A retried attempt (after a worker crash, a timeout or a retryable API error) continues the recorded
 * session with `--resume` instead of starting over.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { activityInfo, cancellationSignal, heartbeat, Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { AgentSettings, PermissionMode, WorkItem } from '../../common/plan';
import { REPORT_SCHEMAS, reportKindOf, type AgentReport, type SessionKind } from '../../common/reports';
import { safeComponent } from '../../common/ids';
import { applyEvent, newProgress, parseLine, type SessionProgress } from './stream';
import { classifySessionEnd, isSessionNotFound } from './classify';
import { INTERRUPTED_PROMPT, loadRolePrompt, resumePrompt, roleFor, taskPrompt } from './prompts';
import { validateReport } from './report';
import { git } from '../git-repo';
import { crashPoint } from '../crash-points';
import { prepareWorktree } from '../worktrees';

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
}

export interface AgentRunResult {
  sessionId: string;
  report: AgentReport;
  /** Cumulative cost of the session as the CLI reports it (it includes earlier turns of a resumed session). */
  sessionCostUsd: number;
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
}

const READ_ONLY_KINDS: SessionKind[] = ['review', 'validate'];

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills a whole process group: the CLI and every tool process it started. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * A previous attempt on this host may have left its CLI running (the worker was SIGKILLed and the agent outlived
 * it). Stop it before continuing its session, so two processes never work in one worktree.
 */
async function reapPrevious(checkpoint: AgentCheckpoint | undefined, graceMs: number): Promise<void> {
  if (!checkpoint?.pid || checkpoint.host !== hostname() || !isAlive(checkpoint.pid)) return;
  killGroup(checkpoint.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isAlive(checkpoint.pid)) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(checkpoint.pid)) killGroup(checkpoint.pid, 'SIGKILL');
}

export function transcriptPathFor(repoPath: string, epicId: string, itemId: string, kind: SessionKind, sessionId: string): string {
  return path.join(repoPath, '.overseer', 'logs', safeComponent(epicId), safeComponent(itemId), `${kind}-${sessionId}.jsonl`);
}

/** The permission mode a kind of session runs with: read-only sessions (review, validation) never bypass. */
export function permissionModeFor(kind: SessionKind, agent: AgentSettings): PermissionMode {
  return READ_ONLY_KINDS.includes(kind) && agent.permissionMode === 'bypassPermissions' ? 'default' : agent.permissionMode;
}

export function buildArgs(opts: {
  prompt: string;
  kind: SessionKind;
  rolePrompt: string;
  agent: AgentSettings;
  resume?: string;
  newSessionId?: string;
}): string[] {
  const { agent } = opts;
  const args = ['-p', opts.prompt, '--output-format', 'stream-json', '--verbose'];
  args.push('--json-schema', JSON.stringify(REPORT_SCHEMAS[reportKindOf(opts.kind)]));
  args.push('--append-system-prompt', opts.rolePrompt);
  args.push('--permission-mode', permissionModeFor(opts.kind, agent));
  if (agent.model) args.push('--model', agent.model);
  if (agent.maxTurns) args.push('--max-turns', String(agent.maxTurns));
  if (agent.maxBudgetUsd) args.push('--max-budget-usd', String(agent.maxBudgetUsd));
  if (agent.allowedTools.length) args.push('--allowedTools', ...agent.allowedTools);
  // Nobody is there to answer AskUserQuestion in a headless run; questions go through the report instead.
  const disallowed = ['AskUserQuestion'];
  if (READ_ONLY_KINDS.includes(opts.kind)) disallowed.push('Edit', 'Write', 'MultiEdit', 'NotebookEdit');
  args.push('--disallowedTools', ...disallowed);
  if (opts.resume) args.push('--resume', opts.resume);
  else if (opts.newSessionId) args.push('--session-id', opts.newSessionId);
  return args;
}

export function createAgentRunner(options: RunnerOptions = {}) {
  const killGraceMs = options.killGraceMs ?? 5000;
  const heartbeatEveryMs = options.heartbeatEveryMs ?? 5000;

  async function runOnce(
    input: AgentRunInput,
    plan: { prompt: string; resume?: string; newSessionId?: string; transcriptPath: string },
    rolePrompt: string,
  ): Promise<{ progress: SessionProgress; stderr: string; exitCode?: number; signal?: string; spawnError?: string; killedAfterResult?: boolean }> {
    const [command, ...leading] = input.agent.command;
    const args = [...leading, ...buildArgs({ prompt: plan.prompt, kind: input.kind, rolePrompt, agent: input.agent, resume: plan.resume, newSessionId: plan.newSessionId })];
    mkdirSync(path.dirname(plan.transcriptPath), { recursive: true });
    const transcript = createWriteStream(plan.transcriptPath, { flags: 'a' });
    const progress = newProgress();
    const sessionId = plan.resume ?? plan.newSessionId!;
    progress.sessionId = sessionId;

    const env: Record<string, string> = {
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      ...options.env,
      OVERSEER_EPIC_ID: input.epicId,
      OVERSEER_ITEM_ID: input.item.id,
      OVERSEER_ITEM_TITLE: input.item.title,
      OVERSEER_SESSION_KIND: input.kind,
      OVERSEER_ROLE: roleFor(input.kind, input.item.role),
      OVERSEER_TARGET_BRANCH: input.targetBranch,
    };
    // Claude Code refuses bypass mode as root ("cannot be used with root/sudo privileges") unless told it runs in a
    // sandbox; only when the plan opted into bypass mode for this session.
    if (permissionModeFor(input.kind, input.agent) === 'bypassPermissions' && process.getuid?.() === 0) env.IS_SANDBOX = '1';

    let child: ResultPromise<{ cwd: string; stdin: 'ignore'; env: Record<string, string>; detached: true; reject: false; buffer: { stdout: false; stderr: true }; stripFinalNewline: false }>;
    try {
      child = execa(command, args, {
        cwd: input.cwd,
        stdin: 'ignore',
        env,
        detached: true, // own process group, so cancellation reaches every tool process the CLI started
        reject: false,
        buffer: { stdout: false, stderr: true },
        stripFinalNewline: false,
      });
    } catch (err) {
      transcript.end();
      return { progress, stderr: '', spawnError: (err as Error).message };
    }

    const checkpoint = (): AgentCheckpoint => ({
      sessionId: progress.sessionId ?? sessionId,
      started: Boolean(plan.resume) || progress.events > 0,
      host: hostname(),
      pid: child.pid,
      turns: progress.turns,
      lastTool: progress.lastTool,
      costUsd: progress.result?.total_cost_usd,
      transcriptPath: plan.transcriptPath,
    });
    heartbeat(checkpoint());
    const beat = setInterval(() => heartbeat(checkpoint()), heartbeatEveryMs);

    let cancelled = false;
    let cancelReason = '';
    Context.current().cancelled.catch((err: unknown) => {
      cancelReason = err instanceof Error ? err.message : String(err);
    });
    const signal = cancellationSignal();
    const onCancel = () => {
      cancelled = true;
      if (child.pid) {
        killGroup(child.pid, 'SIGTERM');
        setTimeout(() => child.pid && isAlive(child.pid) && killGroup(child.pid, 'SIGKILL'), killGraceMs).unref();
      }
    };
    signal.addEventListener('abort', onCancel);

    let lingering: NodeJS.Timeout | undefined;
    let killedAfterResult = false;
    try {
      for await (const line of child.iterable({ from: 'stdout' })) {
        transcript.write(line.endsWith('\n') ? line : `${line}\n`);
        const ev = parseLine(line);
        if (!ev) continue;
        applyEvent(progress, ev);
        if (ev.type === 'system' && ev.subtype === 'init') heartbeat(checkpoint());
        if (ev.type === 'assistant' && progress.turns === 2) {
          heartbeat(checkpoint());
          crashPoint('agent:mid-session');
        }
        if (ev.type === 'result' && !lingering) {
          // Known CLI bug: the process can hang after its result line. Give it a moment, then end it.
          lingering = setTimeout(() => {
            killedAfterResult = true;
            if (child.pid) killGroup(child.pid, 'SIGTERM');
          }, 10_000);
          lingering.unref();
        }
      }
    } catch {
      // The stream ends with an error when the process is killed; the exit status below says what happened.
    }
    const done = await child;
    clearInterval(beat);
    if (lingering) clearTimeout(lingering);
    signal.removeEventListener('abort', onCancel);
    await new Promise<void>((resolve) => transcript.end(resolve));
    if (cancelled) {
      if (/WORKER_SHUTDOWN/i.test(cancelReason)) {
        // The worker is stopping, not the workflow: fail retryably so the session resumes on another worker.
        throw ApplicationFailure.retryable('the worker shut down during the session; it resumes on another worker', 'AgentInterrupted');
      }
      throw new CancelledFailure('agent session cancelled');
    }
    const spawnError = (done as { code?: string }).code === 'ENOENT' || /ENOENT|EACCES/.test(String((done as { originalMessage?: string }).originalMessage ?? ''))
      ? String((done as { originalMessage?: string }).originalMessage ?? 'not found')
      : undefined;
    return {
      progress,
      stderr: String(done.stderr ?? ''),
      exitCode: done.exitCode,
      signal: done.signal ?? undefined,
      killedAfterResult,
      spawnError: done.exitCode === undefined && !done.signal ? spawnError ?? String((done as { originalMessage?: string }).originalMessage ?? 'failed to start') : undefined,
    };
  }

  /** The activity: one session, resumed where a previous attempt left it. */
  async function runAgent(input: AgentRunInput): Promise<AgentRunResult> {
    const started = Date.now();
    if (!input.agent.command.length) throw ApplicationFailure.nonRetryable('settings.agent.command is empty', 'AgentBadInput');
    if (!existsSync(input.cwd)) {
      // The worktree went away (a crash during cleanup, a human): rebuild it from the item's branch.
      if (input.kind === 'validate') throw ApplicationFailure.retryable(`worktree ${input.cwd} does not exist`, 'WorktreeMissing');
      await prepareWorktree({ repoPath: input.repoPath, epicId: input.epicId, itemId: input.item.id, targetBranch: input.targetBranch });
    }
    const previous = activityInfo().heartbeatDetails as AgentCheckpoint | undefined;
    await reapPrevious(previous, killGraceMs);

    const role = roleFor(input.kind, input.item.role);
    const rolePrompt = (await loadRolePrompt(role, input.repoPath)).text;
    const readOnlyBase = READ_ONLY_KINDS.includes(input.kind) ? await git(input.cwd).raw(['rev-parse', 'HEAD']).catch(() => undefined) : undefined;

    let plan: { prompt: string; resume?: string; newSessionId?: string; transcriptPath: string };
    let resumedAfterInterruption = false;
    // A checkpoint names the session even if the CLI's init never reached the server: try to continue it (the
    // fallback below starts afresh when the CLI does not know it).
    if (previous?.sessionId) {
      resumedAfterInterruption = true;
      plan = { prompt: resumePrompt(input.kind, INTERRUPTED_PROMPT), resume: previous.sessionId, transcriptPath: previous.transcriptPath };
    } else if (input.resumeSessionId) {
      plan = {
        prompt: resumePrompt(input.kind, input.instructions),
        resume: input.resumeSessionId,
        transcriptPath: transcriptPathFor(input.repoPath, input.epicId, input.item.id, input.kind, input.resumeSessionId),
      };
    } else {
      const id = randomUUID();
      plan = {
        prompt: taskPrompt({ epicId: input.epicId, item: input.item, kind: input.kind, branch: input.branch, targetBranch: input.targetBranch, instructions: input.instructions }),
        newSessionId: id,
        transcriptPath: transcriptPathFor(input.repoPath, input.epicId, input.item.id, input.kind, id),
      };
    }

    let run = await runOnce(input, plan, rolePrompt);
    if (plan.resume && isSessionNotFound(run.progress, run.stderr)) {
      // The session is not on this machine (another worker host, or it never got going): start afresh.
      Context.current().log.warn('session not found; starting a new one', { sessionId: plan.resume });
      const id = randomUUID();
      plan = {
        prompt: taskPrompt({ epicId: input.epicId, item: input.item, kind: input.kind, branch: input.branch, targetBranch: input.targetBranch, instructions: input.instructions }),
        newSessionId: id,
        transcriptPath: transcriptPathFor(input.repoPath, input.epicId, input.item.id, input.kind, id),
      };
      resumedAfterInterruption = false;
      run = await runOnce(input, plan, rolePrompt);
    }

    if (readOnlyBase) {
      // Reviewers must not change the code; drop anything a read-only session left behind.
      await git(input.cwd).raw(['reset', '--hard', readOnlyBase]).catch(() => undefined);
      await git(input.cwd).raw(['clean', '-fd']).catch(() => undefined);
    }

    const end = classifySessionEnd(run.progress, {
      exitCode: run.exitCode,
      signal: run.signal,
      stderr: run.stderr,
      spawnError: run.spawnError,
      killedAfterResult: run.killedAfterResult,
      command: input.agent.command.join(' '),
    });
    if (!end.ok) {
      const failure = ApplicationFailure.create({
        message: `${end.message} (transcript: ${plan.transcriptPath})`,
        type: end.type,
        nonRetryable: !end.retryable,
        details: [{ sessionId: run.progress.sessionId, transcriptPath: plan.transcriptPath }],
      });
      throw failure;
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
      numTurns: result.num_turns ?? run.progress.turns,
      durationMs: Date.now() - started,
      transcriptPath: plan.transcriptPath,
      agentVersion: run.progress.agentVersion,
      resumedAfterInterruption,
      permissionDenials: summarizeDenials(result.permission_denials),
    };
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
