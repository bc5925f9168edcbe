/**
 * Agent sessions and the questions they ask: a session runs Claude Code in the worktree; an implementing session
 * that asks a question waits for the answer (by signal) and is resumed with it, as often as it asks.
 */
import { condition } from '@temporalio/workflow';
import type { AgentRunResult } from '../activities/agent/runner';
import { parseDuration } from '../common/durations';
import type { ImplementationReport, SessionKind } from '../common/reports';
import type { Question } from '../common/status';
import { round } from './messages';
import { answerPrompt, CONTINUE_PROMPT, NO_ANSWER_PROMPT } from './prompts';
import { sumUsage, type Usage } from '../common/usage';
import { sessionBudget, sessionStopOf, waitForBudget, waitForUsageLimit } from './item-limits';
import { codeChanged, note, setState, type ItemContext } from './item-context';
import { ItemFailed } from './item-types';

/**
 * One agent session (a new one, or `resume` continued), its cost and transcript counted in the status. A session
 * stopped by the budget or the account's usage limit waits (item-limits.ts) and is resumed, never failed for it.
 */
export async function session(ctx: ItemContext, kind: SessionKind, instructions?: string, resume?: string): Promise<AgentRunResult> {
  let raiseNeeded: number | undefined;
  for (;;) {
    await waitForBudget(ctx, raiseNeeded);
    try {
      const res = await runSession(ctx, kind, instructions, resume);
      account(ctx, res, kind);
      return res;
    } catch (err) {
      const stop = sessionStopOf(err);
      if (!stop) throw err;
      if (stop.sessionId && stop.sessionStarted) {
        accountCost(ctx, stop.sessionId, kind, stop.sessionCostUsd, stop.usage);
        // The conversation exists: continue it rather than start over.
        resume = stop.sessionId;
        instructions = CONTINUE_PROMPT;
      }
      if (stop.kind === 'usage_limit') await waitForUsageLimit(ctx, stop.usageLimit!);
      else {
        note(ctx, `${kind} session stopped at its budget ($${stop.sessionCostUsd.toFixed(2)} so far)`);
        raiseNeeded = ctx.budgetSeq;
      }
    }
  }
}

function runSession(ctx: ItemContext, kind: SessionKind, instructions: string | undefined, resume: string | undefined): Promise<AgentRunResult> {
  const maxBudgetUsd = sessionBudget(ctx);
  return ctx.agent.runAgent({
    epicId: ctx.epicId,
    item: ctx.item,
    kind,
    cwd: ctx.worktree,
    repoPath: ctx.repoPath,
    branch: ctx.branch,
    targetBranch: ctx.targetBranch,
    instructions,
    resumeSessionId: resume,
    ...(ctx.input.rolePromptCommit && { rolePromptCommit: ctx.input.rolePromptCommit }),
    agent: maxBudgetUsd === undefined ? ctx.settings.agent : { ...ctx.settings.agent, maxBudgetUsd },
  });
}

/** Counts what a session cost and used so far (a resumed session reports its running total). */
function accountCost(ctx: ItemContext, sessionId: string, kind: SessionKind, sessionCostUsd: number, usage: Usage | undefined): void {
  const { status, sessionCosts } = ctx;
  const before = sessionCosts.get(sessionId) ?? 0;
  status.costUsd = round(status.costUsd + Math.max(0, sessionCostUsd - before));
  sessionCosts.set(sessionId, Math.max(before, sessionCostUsd));
  if (!usage) return;
  ctx.sessionUsage.set(sessionId, { sessionId, kind, usage });
  const all = [...ctx.sessionUsage.values()];
  status.usage = sumUsage([...(ctx.input.priorUsage ? [ctx.input.priorUsage] : []), ...all.map((s) => s.usage)]);
  status.sessions = all.slice(-20);
}

function account(ctx: ItemContext, res: AgentRunResult, kind: SessionKind): void {
  const { status } = ctx;
  accountCost(ctx, res.sessionId, kind, res.sessionCostUsd, res.usage);
  if (res.usageWarning) note(ctx, `the account is near its usage limit (${res.usageWarning.rateLimitType ?? 'unknown'}${res.usageWarning.utilization !== undefined ? `, ${Math.round(res.usageWarning.utilization * 100)}% used` : ''})`);
  if (kind !== 'review' && kind !== 'tech-lead') status.sessionId = res.sessionId;
  if (res.agentVersion) status.agentVersion = res.agentVersion;
  if (!status.transcripts!.includes(res.transcriptPath)) status.transcripts = [...status.transcripts!, res.transcriptPath].slice(-12);
  if (res.resumedAfterInterruption) note(ctx, `${kind} session ${res.sessionId} resumed after an interruption`);
  if (res.permissionDenials?.length) {
    // Nobody can approve a prompt in a headless run: say what was denied, so a human can add allowedTools rules.
    note(ctx, `${kind} session was denied ${res.permissionDenials.join(', ')} (add settings.agent.allowedTools rules to allow)`);
  }
}

/** An implementing session, with any number of questions answered in between (same session resumed). */
export async function implement(ctx: ItemContext, kind: SessionKind, instructions?: string, resume?: string) {
  let res = await session(ctx, kind, instructions, resume);
  let rep = res.report as ImplementationReport;
  while (rep.status === 'question') {
    const q = await ask(ctx, { kind: 'agent', question: rep.question ?? '(no question text)', options: rep.options, context: rep.context });
    const answered = q.answer !== undefined;
    await setState(
      ctx,
      kind === 'resolve-conflict' ? 'merging' : 'running',
      answered ? `resuming the session with ${q.answeredBy}'s answer` : `no answer after ${ctx.settings.questionTimeout}; resuming the session on its best judgment`,
    );
    const prompt = answered ? answerPrompt(q.question, q.answer!, q.answeredBy) : NO_ANSWER_PROMPT;
    res = await session(ctx, kind, prompt, res.sessionId);
    rep = res.report as ImplementationReport;
  }
  if (rep.assumptions?.length) note(ctx, `assumptions: ${rep.assumptions.join('; ')}`);
  return { res, report: rep };
}

/**
 * Asks a human and waits for the answer. An agent's question times out after `questionTimeout` when the plan
 * allows `autoResume` (the session goes on on its best judgment); any other question waits for as long as it takes.
 */
export async function ask(ctx: ItemContext, q: Pick<Question, 'kind' | 'question' | 'options' | 'context'>): Promise<Question> {
  const { settings, status } = ctx;
  ctx.questionSeq++;
  const question: Question = {
    questionId: `${ctx.epicId}/${ctx.item.id}/${ctx.input.run}.${ctx.questionSeq}`,
    epicId: ctx.epicId,
    itemId: ctx.item.id,
    ...q,
    askedAt: Date.now(),
  };
  ctx.questions.push(question);
  status.pendingQuestion = question;
  await setState(ctx, 'awaiting_answer', question.question);
  const answered = await condition(() => question.answer !== undefined, parseDuration(settings.questionTimeout));
  if (!answered) {
    if (settings.autoResume && q.kind === 'agent') {
      question.timedOut = true;
      note(ctx, `question ${question.questionId} timed out after ${settings.questionTimeout}; resuming on the agent's best judgment`);
    } else {
      await setState(ctx, 'awaiting_answer', `no answer after ${settings.questionTimeout}; still waiting: ${question.question}`);
      await condition(() => question.answer !== undefined);
    }
  }
  if (question.answer !== undefined) {
    note(ctx, `question ${question.questionId} answered by ${question.answeredBy} at ${new Date(question.answeredAt ?? Date.now()).toISOString()}: ${question.answer.slice(0, 200)}`);
  }
  status.pendingQuestion = undefined;
  return question;
}

/** Commits what the agent left in the worktree (`ensureAhead`: the branch must then be ahead of the target). */
export async function commit(ctx: ItemContext, message: string, ensureAhead = false) {
  const c = await ctx.core.commitWorktree({ worktreePath: ctx.worktree, message, ensureAheadOf: ensureAhead ? ctx.targetBranch : undefined });
  if (c.committed) note(ctx, `committed ${c.commit.slice(0, 10)}: ${message}`);
  if (c.committed) codeChanged(ctx, `new commit ${c.commit.slice(0, 10)}`);
  return c;
}

/** Counts one more attempt, or ends the item when the plan's `maxAttempts` are spent. */
export function spendAttempt(ctx: ItemContext, why: string, output?: string): void {
  // `output` (a gate's tail) goes after the one-line reason, so the status' first line stays readable.
  const n = ctx.attemptsThisRun;
  if (n >= ctx.settings.maxAttempts) throw new ItemFailed(`${why} (after ${n} attempt${n === 1 ? '' : 's'})${output ? `:\n${output}` : ''}`);
  ctx.attemptsThisRun++;
  ctx.status.attempts++;
}

/** A fixing session on the implementer's session; blocked ends the item. Returns the session to go on with. */
export async function fix(ctx: ItemContext, prompt: string, implSession: string, message: string): Promise<string> {
  const res = await implement(ctx, 'fix', prompt, implSession);
  if (res.report.status === 'blocked') throw new ItemFailed(`agent blocked: ${res.report.summary}`);
  await commit(ctx, message);
  return res.res.sessionId;
}

/** One attempt at the item: an implementing session (with the council's feedback after a rejection), committed. */
export async function implementAttempt(ctx: ItemContext, feedback?: string): Promise<{ implSession: string; summary: string }> {
  spendAttempt(ctx, feedback ? 'rejected by the review council' : 'no attempts allowed');
  const n = ctx.attemptsThisRun;
  await setState(ctx, 'running', n === 1 ? 'implementing' : `implementing (attempt ${n})`);
  const impl = await implement(ctx, feedback ? 'fix' : 'implement', feedback);
  if (impl.report.status === 'blocked') throw new ItemFailed(`agent blocked: ${impl.report.summary}`);
  await commit(ctx, `${ctx.item.id}: ${ctx.item.title}`, true);
  return { implSession: impl.res.sessionId, summary: impl.report.summary };
}
