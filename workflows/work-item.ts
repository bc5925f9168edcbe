/**
 * workItemWorkflow (DESIGN §2): one work item from worktree to merge commit.
 *
 *   prepare worktree → implement (questions answered by signal resume the same session) → commit → gates →
 *   review council → (human approval) → merge queue (conflicts resolved by an agent, then by a human) → cleanup.
 *
 * Every state change is reported to the epic by signal, addressed by workflow id, so the epic may continue-as-new.
 * The workflow returns (never throws) for item-level failures: a `failed` item waits for a human on the epic.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AgentRunResult } from '../activities/agent/runner';
import type { GateRunResult } from '../activities/checks';
import type { WriteBackEvent } from '../activities/sync';
import {
  answerQuestionUpdate,
  answerSignal,
  cancelOptionsSignal,
  itemApproveSignal,
  itemStatusQuery,
  itemUpdateSignal,
  mergeResultSignal,
} from '../common/api';
import { safeComponent } from '../common/ids';
import type { MergeOutcome, MergeResult } from '../common/merge';
import type { EpicSettings, PlanSource, WorkItem } from '../common/plan';
import type { ImplementationReport, ReviewReport, SessionKind, TechLeadReport } from '../common/reports';
import type { AnswerInput, ItemState, ItemStatus, Question } from '../common/status';
import { OverseerAwaitingHuman, OverseerState } from '../common/search-attributes';
import { parseDuration } from '../common/durations';
import {
  answerPrompt,
  conflictPrompt,
  gateFailurePrompt,
  implementerResponsePrompt,
  mergeGateFailurePrompt,
  NO_ANSWER_PROMPT,
  positionsPrompt,
  rejectionPrompt,
  reviewFindingsPrompt,
} from './prompts';
import { agentActivities, coreActivities, gateActivities } from './activity-options';
import { ANSWER_SHAPE, describe, isAnswer, round } from './messages';

export { ANSWER_SHAPE, describe, isAnswer } from './messages';

export interface WorkItemInput {
  epicId: string;
  epicWorkflowId: string;
  /** The epic's run counter for this item; updates of older runs are ignored by the epic. */
  run: number;
  item: WorkItem;
  repo: { path: string; targetBranch: string };
  settings: EpicSettings;
  source?: PlanSource;
  /** Attempts spent by earlier runs (a human retry gets a fresh budget; the total is shown). */
  priorAttempts?: number;
  /** Cost spent by earlier runs, carried into the status. */
  priorCostUsd?: number;
}

export type ItemOutcomeState = 'merged' | 'failed' | 'skipped' | 'cancelled';

export interface ItemOutcome {
  itemId: string;
  state: ItemOutcomeState;
  mergeCommit?: string;
  attempts: number;
  costUsd: number;
  error?: string;
}

/** Thrown inside the workflow to end the item as failed with a message a human can act on. */
class ItemFailed extends Error {}
/** Thrown when a human chose to skip the item (merge-conflict question). */
class ItemSkipped extends Error {}

const HISTORY_LIMIT = 40;

export async function workItemWorkflow(input: WorkItemInput): Promise<ItemOutcome> {
  const { item, epicId, settings } = input;
  const repoPath = input.repo.path;
  const targetBranch = input.repo.targetBranch;
  const info = workflowInfo();

  const core = coreActivities(settings);
  const gates = gateActivities(settings);
  const agent = agentActivities(settings);

  const status: ItemStatus = {
    itemId: item.id,
    title: item.title,
    state: 'pending',
    attempts: input.priorAttempts ?? 0,
    costUsd: input.priorCostUsd ?? 0,
    startedAt: Date.now(),
    transcripts: [],
    history: [],
  };
  const questions: Question[] = [];
  const mergeResults = new Map<string, MergeResult>();
  const sessionCosts = new Map<string, number>();
  let approvedBy: string | undefined;
  let attemptsThisRun = 0;
  let questionSeq = 0;
  let mergeSeq = 0;

  // ---- message handlers (registered before the first await) ----
  const findQuestion = (id: string) => questions.find((q) => q.questionId === id);
  const rejectionOf = (a: AnswerInput): string | undefined => {
    if (!isAnswer(a)) return ANSWER_SHAPE; // typed by hand: a TypeError here would wedge the workflow
    const q = findQuestion(a.questionId);
    if (!q) {
      const open = questions.filter((x) => x.answer === undefined && !x.timedOut).map((x) => x.questionId);
      return `no question with id "${a.questionId}" on item ${item.id}${open.length ? ` (open: ${open.join(', ')})` : ' (it has no open question)'}`;
    }
    if (q.answer !== undefined) return `question ${q.questionId} was already answered by ${q.answeredBy ?? 'someone'}`;
    if (q.timedOut) return `question ${q.questionId} timed out and the session went on without an answer`;
    if (!a.answer.trim()) return 'the answer is empty';
    return undefined;
  };
  const applyAnswer = (a: AnswerInput): Question => {
    const q = findQuestion(a.questionId)!;
    q.answer = a.answer;
    q.answeredBy = typeof a.answeredBy === 'string' && a.answeredBy.trim() ? a.answeredBy : 'unknown';
    q.answeredAt = Date.now();
    return { ...q };
  };
  setHandler(answerSignal, (a) => {
    const why = rejectionOf(a);
    if (why) {
      log.warn(`answer ignored: ${why}`);
      return;
    }
    applyAnswer(a);
  });
  setHandler(answerQuestionUpdate, (a) => applyAnswer(a), {
    validator: (a) => {
      const why = rejectionOf(a);
      if (why) throw new Error(why);
    },
  });
  const mergeHolds = new Map<string, string>(); // requestId → why the queue holds it (shown in the status)
  setHandler(mergeResultSignal, (r) => {
    if (r.outcome.status === 'held') {
      mergeHolds.set(r.requestId, r.outcome.reason);
      return;
    }
    mergeResults.set(r.requestId, r);
  });
  setHandler(itemApproveSignal, (a) => {
    approvedBy = a?.approvedBy ?? 'unknown';
  });
  let keepWorktree = false;
  setHandler(cancelOptionsSignal, (o) => {
    keepWorktree = Boolean(o?.keepWorktrees);
  });
  setHandler(itemStatusQuery, () => ({ ...status, pendingQuestion: status.pendingQuestion ? { ...status.pendingQuestion } : undefined }));

  // ---- state, history and reporting ----
  const note = (text: string) => {
    status.history = [...(status.history ?? []), text].slice(-HISTORY_LIMIT);
  };
  const report = async () => {
    try {
      await getExternalWorkflowHandle(input.epicWorkflowId).signal(itemUpdateSignal, {
        itemId: item.id,
        run: input.run,
        status: { ...status, history: undefined },
      });
    } catch (err) {
      // The epic may be gone (terminated) or this item may run on its own; nothing else depends on it.
      log.debug('could not report to the epic', { error: String(err) });
    }
  };
  const awaitingHuman = () => Boolean(status.pendingQuestion) || (status.state === 'approved' && settings.approval === 'before-merge' && !approvedBy);
  const setState = async (state: ItemState, detail?: string) => {
    const changed = state !== status.state;
    status.state = state;
    status.detail = detail;
    note(`${state}${detail ? `: ${detail}` : ''}`);
    upsertSearchAttributes([
      { key: OverseerState, value: state },
      { key: OverseerAwaitingHuman, value: awaitingHuman() },
    ]);
    if (changed || detail) await report();
  };

  const logPath = (name: string) =>
    `${repoPath}/.overseer/logs/${safeComponent(epicId)}/${safeComponent(item.id)}/${name}`;

  // ---- sessions ----
  let worktree = '';
  let branch = '';
  const account = (res: AgentRunResult, kind: SessionKind) => {
    const before = sessionCosts.get(res.sessionId) ?? 0;
    status.costUsd = round(status.costUsd + Math.max(0, res.sessionCostUsd - before));
    sessionCosts.set(res.sessionId, res.sessionCostUsd);
    if (kind !== 'review' && kind !== 'tech-lead') status.sessionId = res.sessionId;
    if (res.agentVersion) status.agentVersion = res.agentVersion;
    if (!status.transcripts!.includes(res.transcriptPath)) status.transcripts = [...status.transcripts!, res.transcriptPath].slice(-12);
    if (res.resumedAfterInterruption) note(`${kind} session ${res.sessionId} resumed after an interruption`);
    if (res.permissionDenials?.length) {
      // Nobody can approve a prompt in a headless run: say what was denied, so a human can add allowedTools rules.
      note(`${kind} session was denied ${res.permissionDenials.join(', ')} (add settings.agent.allowedTools rules to allow)`);
    }
  };
  const session = async (kind: SessionKind, instructions?: string, resume?: string): Promise<AgentRunResult> => {
    const res = await agent.runAgent({
      epicId,
      item,
      kind,
      cwd: worktree,
      repoPath,
      branch,
      targetBranch,
      instructions,
      resumeSessionId: resume,
      agent: settings.agent,
    });
    account(res, kind);
    return res;
  };

  const ask = async (q: Pick<Question, 'kind' | 'question' | 'options' | 'context'>): Promise<Question> => {
    questionSeq++;
    const question: Question = {
      questionId: `${epicId}/${item.id}/${input.run}.${questionSeq}`,
      epicId,
      itemId: item.id,
      ...q,
      askedAt: Date.now(),
    };
    questions.push(question);
    status.pendingQuestion = question;
    await setState('awaiting_answer', question.question);
    const timeout = parseDuration(settings.questionTimeout);
    const answered = await condition(() => question.answer !== undefined, timeout);
    if (!answered) {
      if (settings.autoResume && q.kind === 'agent') {
        question.timedOut = true;
        note(`question ${question.questionId} timed out after ${settings.questionTimeout}; resuming on the agent's best judgment`);
      } else {
        await setState('awaiting_answer', `no answer after ${settings.questionTimeout}; still waiting: ${question.question}`);
        await condition(() => question.answer !== undefined);
      }
    }
    if (question.answer !== undefined) {
      note(`question ${question.questionId} answered by ${question.answeredBy} at ${new Date(question.answeredAt ?? Date.now()).toISOString()}: ${question.answer.slice(0, 200)}`);
    }
    status.pendingQuestion = undefined;
    return question;
  };

  /** An implementing session, with any number of questions answered in between (same session resumed). */
  const implement = async (kind: SessionKind, instructions?: string, resume?: string) => {
    let res = await session(kind, instructions, resume);
    let rep = res.report as ImplementationReport;
    while (rep.status === 'question') {
      const q = await ask({ kind: 'agent', question: rep.question ?? '(no question text)', options: rep.options, context: rep.context });
      const answered = q.answer !== undefined;
      await setState(
        kind === 'resolve-conflict' ? 'merging' : 'running',
        answered ? `resuming the session with ${q.answeredBy}'s answer` : `no answer after ${settings.questionTimeout}; resuming the session on its best judgment`,
      );
      const prompt = answered ? answerPrompt(q.question, q.answer!, q.answeredBy) : NO_ANSWER_PROMPT;
      res = await session(kind, prompt, res.sessionId);
      rep = res.report as ImplementationReport;
    }
    if (rep.assumptions?.length) note(`assumptions: ${rep.assumptions.join('; ')}`);
    return { res, report: rep };
  };

  const commit = async (message: string, ensureAhead = false) => {
    const c = await core.commitWorktree({ worktreePath: worktree, message, ensureAheadOf: ensureAhead ? targetBranch : undefined });
    if (c.committed) note(`committed ${c.commit.slice(0, 10)}: ${message}`);
    return c;
  };

  const runGates = async (): Promise<GateRunResult> => {
    if (!settings.gates.length) return { passed: true, logPath: '' };
    await setState('gating', settings.gates.join(' && '));
    const result = await gates.runGates({
      cwd: worktree,
      commands: settings.gates,
      timeoutMs: parseDuration(settings.gateTimeout),
      logPath: logPath(`gates-${input.run}.log`),
    });
    note(result.passed ? 'gates passed' : `gate failed: ${result.command}`);
    return result;
  };

  /** `output` (a gate's tail) goes after the one-line reason, so the status' first line stays readable. */
  const spendAttempt = (why: string, output?: string) => {
    if (attemptsThisRun >= settings.maxAttempts) {
      throw new ItemFailed(`${why} (after ${attemptsThisRun} attempt${attemptsThisRun === 1 ? '' : 's'})${output ? `:\n${output}` : ''}`);
    }
    attemptsThisRun++;
    status.attempts++;
  };

  /** Implementer → gates until they pass, each fix spending an attempt. Returns the implementer's session. */
  const gateLoop = async (implSession: string): Promise<string> => {
    let g = await runGates();
    while (!g.passed) {
      spendAttempt(`gate \`${g.command}\` keeps failing`, `${g.outputTail}\n(full log: ${g.logPath})`);
      await setState('running', `fixing gate failure: ${g.command}`);
      const fix = await implement('fix', gateFailurePrompt(g.command, g.outputTail, g.logPath), implSession);
      if (fix.report.status === 'blocked') throw new ItemFailed(`agent blocked: ${fix.report.summary}`);
      implSession = fix.res.sessionId;
      await commit(`${item.id}: fix gate ${g.command}`);
      g = await runGates();
    }
    return implSession;
  };

  /** The review council: reviewer, implementer's answer, reviewer again, tech lead on disagreement. */
  const council = async (implSession: string): Promise<{ approved: boolean; reasons: string[]; implSession: string }> => {
    await setState('in_review', 'peer review');
    let review = await session('review');
    let verdict = review.report as ReviewReport;
    note(`review: ${verdict.verdict}${verdict.findings.length ? ` (${verdict.findings.length} finding${verdict.findings.length === 1 ? '' : 's'})` : ''}`);
    let response: ImplementationReport | undefined;
    for (let round = 1; verdict.verdict === 'request_changes' && round < settings.review.maxRounds; round++) {
      await setState('running', 'addressing review findings');
      const answer = await implement('address-review', reviewFindingsPrompt(verdict.findings, verdict.summary), implSession);
      response = answer.report;
      implSession = answer.res.sessionId;
      if (response.status === 'blocked') return { approved: false, reasons: [`implementer blocked: ${response.summary}`], implSession };
      note(`implementer ${response.response === 'rebutted' ? 'rebutted' : 'addressed'} the findings`);
      await commit(`${item.id}: address review`);
      implSession = await gateLoop(implSession);
      await setState('in_review', `re-review (round ${round + 1})`);
      review = await session('review', implementerResponsePrompt(response), review.sessionId);
      verdict = review.report as ReviewReport;
      note(`review: ${verdict.verdict}`);
    }
    if (verdict.verdict === 'approve') return { approved: true, reasons: [verdict.summary ?? 'approved by the peer reviewer'], implSession };
    await setState('in_review', 'tech lead deciding');
    const lead = await session('tech-lead', positionsPrompt(verdict.findings, verdict.summary, response));
    const decision = lead.report as TechLeadReport;
    note(`tech lead: ${decision.decision}${decision.reasons.length ? ` (${decision.reasons.join('; ')})` : ''}`);
    if (decision.fixed) {
      await commit(`${item.id}: tech lead fixes`);
      // The tech lead changed the code: what merges must still pass the gates (failures go to the implementer).
      if (decision.decision === 'approve') implSession = await gateLoop(implSession);
    }
    return { approved: decision.decision === 'approve', reasons: decision.reasons.length ? decision.reasons : [decision.summary ?? decision.decision], implSession };
  };

  const enqueueAndWait = async (): Promise<MergeOutcome> => {
    mergeSeq++;
    // The run id keeps a request of an earlier execution of the same item (the epic started again) from being
    // answered with that execution's old result by a queue that remembers it.
    const requestId = `${info.workflowId}@${info.runId}#${mergeSeq}`;
    const request = {
      requestId,
      epicId,
      itemId: item.id,
      title: item.title,
      repoPath,
      targetBranch,
      branch,
      replyTo: info.workflowId,
      mergeGates: settings.mergeGates,
      gateTimeout: settings.gateTimeout,
      holdRetry: settings.mergeHoldRetry,
      heartbeatTimeout: settings.heartbeatTimeout,
    };
    await setState('merging', 'queued');
    await core.enqueueMerge(request);
    // The queue answers by signal. Should it ever lose the request (reset, terminated), asking again is safe.
    let shownHold: string | undefined;
    while (!mergeResults.has(requestId)) {
      const woke = await condition(() => mergeResults.has(requestId) || mergeHolds.get(requestId) !== shownHold, '10m');
      if (mergeResults.has(requestId)) break;
      if (mergeHolds.get(requestId) !== shownHold) {
        shownHold = mergeHolds.get(requestId);
        await setState('merging', `held: ${shownHold}`);
      } else if (!woke) await core.enqueueMerge(request);
    }
    return mergeResults.get(requestId)!.outcome;
  };

  const writeBack = async (event: WriteBackEvent) => {
    if (!input.source || input.source.kind === 'native') return;
    try {
      const r = await core.writeBack(input.source, event);
      if (!r.ok || r.note) status.writeBackErrors = [...(status.writeBackErrors ?? []), r.note ?? 'write-back failed'].slice(-5);
    } catch (err) {
      status.writeBackErrors = [...(status.writeBackErrors ?? []), describe(err)].slice(-5);
    }
  };

  const finish = (state: ItemOutcomeState, error?: string): ItemOutcome => ({
    itemId: item.id,
    state,
    mergeCommit: status.mergeCommit,
    attempts: status.attempts,
    costUsd: status.costUsd,
    error,
  });

  // ---- the item's life ----
  try {
    await setState('running', 'preparing worktree');
    const earlier = await core.findItemMerge({ repoPath, targetBranch, epicId, itemId: item.id });
    if (earlier) {
      // Run before (same epic id started again): never merge twice.
      status.mergeCommit = earlier;
      await core.removeWorktree({ repoPath, epicId, itemId: item.id, deleteBranch: true });
      status.finishedAt = Date.now();
      await setState('merged', `already merged as ${earlier.slice(0, 10)}`);
      return finish('merged');
    }
    const wt = await core.prepareWorktree({ repoPath, epicId, itemId: item.id, targetBranch });
    worktree = wt.worktreePath;
    branch = wt.branch;
    status.branch = branch;
    status.worktree = worktree;
    note(`${wt.reused ? 'reusing' : 'created'} worktree ${worktree} on ${branch}`);
    await writeBack({ kind: 'started', itemId: item.id });

    let feedback: string | undefined;
    let summary = '';
    for (;;) {
      spendAttempt(feedback ? 'rejected by the review council' : 'no attempts allowed');
      await setState('running', attemptsThisRun === 1 ? 'implementing' : `implementing (attempt ${attemptsThisRun})`);
      const impl = await implement(feedback ? 'fix' : 'implement', feedback);
      if (impl.report.status === 'blocked') throw new ItemFailed(`agent blocked: ${impl.report.summary}`);
      summary = impl.report.summary;
      let implSession = impl.res.sessionId;
      await commit(`${item.id}: ${item.title}`, true);
      implSession = await gateLoop(implSession);

      if (settings.review.enabled) {
        const verdict = await council(implSession);
        implSession = verdict.implSession;
        if (!verdict.approved) {
          await setState('rejected', verdict.reasons.join('; '));
          if (attemptsThisRun >= settings.maxAttempts) throw new ItemFailed(`rejected by the review council: ${verdict.reasons.join('; ')}`);
          feedback = rejectionPrompt(verdict.reasons);
          continue;
        }
        await setState('approved', verdict.reasons.join('; '));
      } else {
        await setState('approved', 'review turned off by the plan');
      }

      if (settings.approval === 'before-merge' && !approvedBy) {
        await setState('approved', 'waiting for a human to approve the merge (overseer approve)');
        await condition(() => approvedBy !== undefined);
        note(`merge approved by ${approvedBy}`);
      }

      // Merge, resolving conflicts and merge-gate failures on the way.
      let conflictRounds = 0;
      for (;;) {
        const outcome = await enqueueAndWait();
        if (outcome.status === 'merged') {
          status.mergeCommit = outcome.commit;
          break;
        }
        if (outcome.status === 'conflict') {
          conflictRounds++;
          if (conflictRounds <= 2) {
            await setState('merging', `conflict in ${outcome.files.join(', ')}; resolving`);
            const res = await implement('resolve-conflict', conflictPrompt(outcome.files, targetBranch));
            if (res.report.status === 'done') {
              await commit(`${item.id}: resolve conflicts with ${targetBranch}`);
              implSession = await gateLoop(implSession);
              continue;
            }
            note(`conflict resolution failed: ${res.report.summary}`);
          }
          const q = await ask({
            kind: 'merge_conflict',
            question: `Merging ${branch} into ${targetBranch} conflicts in ${outcome.files.join(', ')} and could not be resolved automatically. Resolve it by hand in ${worktree} (merge ${targetBranch} into the branch and commit), then answer "retry"; or answer "skip" or "abort".`,
            options: ['retry', 'skip', 'abort'],
            context: `conflicting files: ${outcome.files.join(', ')}`,
          });
          const choice = (q.answer ?? '').trim().toLowerCase();
          if (choice.startsWith('skip')) throw new ItemSkipped(`skipped by ${q.answeredBy} after a merge conflict`);
          if (choice.startsWith('abort')) throw new ItemFailed(`merge aborted by ${q.answeredBy} after a conflict`);
          conflictRounds = 0;
          await commit(`${item.id}: manual conflict resolution`);
          continue;
        }
        if (outcome.status === 'gate_failed') {
          spendAttempt(`merge gate \`${outcome.gate}\` fails on the merged result:\n${outcome.outputTail}`);
          await setState('running', `fixing merge gate failure: ${outcome.gate}`);
          const fix = await implement('fix', mergeGateFailurePrompt(outcome.gate, outcome.outputTail, outcome.logPath, targetBranch), implSession);
          if (fix.report.status === 'blocked') throw new ItemFailed(`agent blocked: ${fix.report.summary}`);
          implSession = fix.res.sessionId;
          await commit(`${item.id}: fix merge gate ${outcome.gate}`);
          implSession = await gateLoop(implSession);
          continue;
        }
        if (outcome.status === 'error') throw new ItemFailed(`merge failed: ${outcome.message}`);
      }
      break;
    }

    // Clean up before saying "merged": the epic may finish the moment the last item reports it.
    await core.removeWorktree({ repoPath, epicId, itemId: item.id, deleteBranch: true });
    await writeBack({ kind: 'merged', itemId: item.id, summary, mergeCommit: status.mergeCommit! });
    status.finishedAt = Date.now();
    await setState('merged', status.mergeCommit);
    return finish('merged');
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        status.finishedAt = Date.now();
        status.pendingQuestion = undefined;
        // Clean up before saying "cancelled": the epic finishes once every item has said it.
        if (worktree && !keepWorktree) await core.removeWorktree({ repoPath, epicId, itemId: item.id, deleteBranch: false }).catch(() => undefined);
        await setState('cancelled', keepWorktree ? `cancelled; worktree kept at ${worktree}` : 'cancelled');
      });
      throw err;
    }
    status.finishedAt = Date.now();
    status.pendingQuestion = undefined;
    if (err instanceof ItemSkipped) {
      await setState('skipped', err.message);
      if (worktree) await core.removeWorktree({ repoPath, epicId, itemId: item.id, deleteBranch: false }).catch(() => undefined);
      return finish('skipped', err.message);
    }
    const message = describe(err);
    if (!(err instanceof ItemFailed) && !(err instanceof ActivityFailure) && !(err instanceof ApplicationFailure)) throw err; // a bug: let the task retry
    await setState('failed', message);
    await writeBack({ kind: 'failed', itemId: item.id, reason: message });
    return finish('failed', message);
  }
}
