/**
 * One run of the Claude Code CLI (DESIGN §5): spawned in its own process group with the prompt on stdin, its
 * stream-json stdout parsed line by line into progress and copied to the transcript, a small checkpoint heartbeated,
 * cancellation turned into killing the group.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { cancellationSignal, heartbeat, Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { applyEvent, newProgress, parseLine, type SessionProgress } from './stream';
import { buildArgs } from './args';
import { agentEnv } from './session-env';
import { isAlive, killGroup, processIdentity, type ProcessIdentity } from './process-group';
import { crashPoint } from '../crash-points';
import type { AgentCheckpoint, AgentRunInput, RunnerOptions, SessionPlan } from './types';

export interface SessionOutcome {
  progress: SessionProgress;
  stderr: string;
  exitCode?: number;
  signal?: string;
  /** The process could not be started; `spawnErrorCode` is the errno name (ENOENT, EACCES, E2BIG). */
  spawnError?: string;
  spawnErrorCode?: string;
  killedAfterResult?: boolean;
}

type AgentChild = ResultPromise<{ cwd: string; input: string; env: Record<string, string>; extendEnv: false; detached: true; reject: false; buffer: { stdout: false; stderr: true }; stripFinalNewline: false }>;

/** A known CLI bug: the process can hang after its result line. It gets this long, then it is ended. */
const LINGER_AFTER_RESULT_MS = 10_000;

function spawnAgent(input: AgentRunInput, plan: SessionPlan, rolePrompt: string, workerEnv: Record<string, string> | undefined): AgentChild {
  const [command, ...leading] = input.agent.command;
  const args = [...leading, ...buildArgs({ kind: input.kind, rolePrompt, agent: input.agent, resume: plan.resume, newSessionId: plan.newSessionId })];
  return execa(command, args, {
    cwd: input.cwd,
    input: plan.prompt, // `-p` without a prompt argument reads it from stdin, which then ends
    env: agentEnv(input, workerEnv),
    extendEnv: false,
    detached: true, // own process group, so cancellation reaches every tool process the CLI started
    reject: false,
    buffer: { stdout: false, stderr: true },
    stripFinalNewline: false,
  });
}

/** Kills the group when the activity is cancelled; remembers that it was, and why. */
function onCancellation(child: AgentChild, killGraceMs: number) {
  const state = { cancelled: false, reason: '' };
  Context.current().cancelled.catch((err: unknown) => {
    state.reason = err instanceof Error ? err.message : String(err);
  });
  const signal = cancellationSignal();
  const onAbort = () => {
    state.cancelled = true;
    if (child.pid) {
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => child.pid && isAlive(child.pid) && killGroup(child.pid, 'SIGKILL'), killGraceMs).unref();
    }
  };
  signal.addEventListener('abort', onAbort);
  return { state, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/** Reads the event stream to its end; returns whether the process had to be ended after its result. */
async function readEvents(child: AgentChild, progress: SessionProgress, transcript: WriteStream, beat: () => void): Promise<boolean> {
  let lingering: NodeJS.Timeout | undefined;
  let killedAfterResult = false;
  try {
    for await (const line of child.iterable({ from: 'stdout' })) {
      transcript.write(line.endsWith('\n') ? line : `${line}\n`);
      const ev = parseLine(line);
      if (!ev) continue;
      applyEvent(progress, ev);
      if (ev.type === 'system' && ev.subtype === 'init') beat();
      if (ev.type === 'assistant' && progress.turns === 2) {
        beat();
        crashPoint('agent:mid-session');
      }
      if (ev.type === 'result' && !lingering) {
        lingering = setTimeout(() => {
          killedAfterResult = true;
          if (child.pid) killGroup(child.pid, 'SIGTERM');
        }, LINGER_AFTER_RESULT_MS);
        lingering.unref();
      }
    }
  } catch {
    // The stream ends with an error when the process is killed; the exit status says what happened.
  }
  if (lingering) clearTimeout(lingering);
  return killedAfterResult;
}

/** A process that never ran: its errno name and message. */
function spawnFailure(done: Awaited<AgentChild>): Pick<SessionOutcome, 'spawnError' | 'spawnErrorCode'> {
  if (done.exitCode !== undefined || done.signal) return {};
  const { code, originalMessage } = done as { code?: string; originalMessage?: string };
  return { spawnError: originalMessage ?? 'failed to start', ...(code && { spawnErrorCode: code }) };
}

export async function runSession(input: AgentRunInput, plan: SessionPlan, rolePrompt: string, options: Required<Omit<RunnerOptions, 'env' | 'accountStateDir'>> & Pick<RunnerOptions, 'env'>): Promise<SessionOutcome> {
  mkdirSync(path.dirname(plan.transcriptPath), { recursive: true });
  const transcript = createWriteStream(plan.transcriptPath, { flags: 'a' });
  const progress = newProgress();
  const sessionId = plan.resume ?? plan.newSessionId!;
  progress.sessionId = sessionId;
  let child: AgentChild;
  try {
    child = spawnAgent(input, plan, rolePrompt, options.env);
  } catch (err) {
    transcript.end();
    return { progress, stderr: '', spawnError: (err as Error).message, spawnErrorCode: (err as NodeJS.ErrnoException).code };
  }
  const identity: ProcessIdentity | undefined = child.pid ? processIdentity(child.pid) : undefined;
  const checkpoint = (): AgentCheckpoint => ({
    sessionId: progress.sessionId ?? sessionId,
    started: Boolean(plan.resume) || progress.events > 0,
    host: hostname(),
    pid: child.pid,
    ...(identity && { process: identity }),
    turns: progress.turns,
    lastTool: progress.lastTool,
    costUsd: progress.result?.total_cost_usd,
    transcriptPath: plan.transcriptPath,
  });
  const beat = () => heartbeat(checkpoint());
  beat();
  const timer = setInterval(beat, options.heartbeatEveryMs);
  const cancel = onCancellation(child, options.killGraceMs);
  const killedAfterResult = await readEvents(child, progress, transcript, beat);
  const done = await child;
  clearInterval(timer);
  cancel.dispose();
  await new Promise<void>((resolve) => transcript.end(resolve));
  if (cancel.state.cancelled) throw cancelledFailure(cancel.state.reason);
  return { progress, stderr: String(done.stderr ?? ''), exitCode: done.exitCode, signal: done.signal ?? undefined, killedAfterResult, ...spawnFailure(done) };
}

function cancelledFailure(reason: string): Error {
  // The worker is stopping, not the workflow: fail retryably so the session resumes on another worker.
  if (/WORKER_SHUTDOWN/i.test(reason)) return ApplicationFailure.retryable('the worker shut down during the session; it resumes on another worker', 'AgentInterrupted');
  return new CancelledFailure('agent session cancelled');
}
