/**
 * epicWorkflow (DESIGN §2): keeps up to `maxParallel` items running, each as a child `workItemWorkflow`.
 *
 * An item is ready when every dependency is merged (or done, or skipped by a human); ready items start at once,
 * by priority, then critical path, then id — no wave barriers. A failed item blocks only its dependents and waits
 * for a human (`retryItem`, `skipItem`, `cancelItem`). Children report by signal to this workflow's id, so the
 * epic can continue-as-new without losing anything.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import {
  answerQuestionUpdate,
  answerSignal,
  approveSignal,
  cancelItemSignal,
  cancelOptionsSignal,
  epicStatusQuery,
  itemApproveSignal,
  itemUpdateSignal,
  pauseSignal,
  questionsQuery,
  resumeSignal,
  retryItemSignal,
  skipItemSignal,
} from '../common/api';
import { criticalPathLengths, describeDagProblem, findDagProblems, readyItems } from '../common/dag';
import { ID_PATTERN, itemWorkflowId, TASK_QUEUE } from '../common/ids';
import type { ValidationReport } from '../common/reports';
import { withDefaultSettings, type EpicPlan, type WorkItem } from '../common/plan';
import { OverseerAwaitingHuman, OverseerEpic, OverseerState } from '../common/search-attributes';
import { isSatisfying, isTerminal, type EpicPhase, type EpicResult, type EpicStatus, type ItemStatus, type Question } from '../common/status';
import { workItemWorkflow, type ItemOutcome, type WorkItemInput } from './work-item';
import { ANSWER_SHAPE, describe, isAnswer } from './messages';
import { agentActivities, coreActivities } from './activity-options';

/** State carried across continue-as-new. */
export interface EpicCarry {
  statuses: Record<string, ItemStatus>;
  runs: Record<string, number>;
  paused: boolean;
  startedAt: number;
  validationRounds: number;
  /** Items the validation added (follow-ups), with their place in the DAG. */
  followUps?: WorkItem[];
}

export async function epicWorkflow(planInput: EpicPlan, carry?: EpicCarry): Promise<EpicResult> {
  const plan: EpicPlan = { ...planInput, settings: withDefaultSettings(planInput.settings) };
  const { settings, epicId } = plan;
  checkPlan(plan);
  const items: WorkItem[] = [...plan.items, ...(carry?.followUps ?? [])].map((it) => ({ ...it, acceptance: it.acceptance ?? [], dependsOn: it.dependsOn ?? [], files: it.files ?? [], description: it.description ?? '' }));
  const followUps: WorkItem[] = [...(carry?.followUps ?? [])];
  let critical = criticalPathLengths(items);
  let validationRounds = carry?.validationRounds ?? 0;
  const info = workflowInfo();

  const core = coreActivities(settings, '5m');

  const statuses: Record<string, ItemStatus> = carry?.statuses ?? {};
  const runs: Record<string, number> = carry?.runs ?? {};
  const startedAt = carry?.startedAt ?? Date.now();
  let paused = carry?.paused ?? false;
  let phase: EpicPhase = paused ? 'paused' : 'running';
  let dirty = true;
  for (const it of items) {
    statuses[it.id] ??= { itemId: it.id, title: it.title, state: it.done ? 'done' : 'pending', attempts: 0, costUsd: 0 };
  }

  // ---- handlers ----
  const st = (id: string): ItemStatus => statuses[id];
  const known = (id: string | undefined): id is string => typeof id === 'string' && Object.hasOwn(statuses, id);
  const childHandle = (id: string) => getExternalWorkflowHandle(itemWorkflowId(epicId, id));
  const pendingQuestions = (): Question[] =>
    items.map((it) => st(it.id).pendingQuestion).filter((q): q is Question => Boolean(q && q.answer === undefined));

  setHandler(itemUpdateSignal, (u) => {
    if (!known(u?.itemId) || !u.status || u.run !== runs[u.itemId]) return; // an older run, superseded by a human decision
    const prev = st(u.itemId);
    // A field the item cleared (answered question, no detail) is absent from the payload, not undefined: clear it here.
    statuses[u.itemId] = { ...prev, ...u.status, pendingQuestion: u.status.pendingQuestion, detail: u.status.detail, history: prev.history };
    dirty = true;
  });
  setHandler(epicStatusQuery, (): EpicStatus => ({
    epicId,
    title: plan.title,
    phase,
    repoPath: plan.repo.path,
    targetBranch: plan.repo.targetBranch,
    items: items.map((it) => ({ ...st(it.id) })),
    startedAt,
    finishedAt: isTerminalPhase(phase) ? Date.now() : undefined,
    validationRounds,
    costUsd: totalCost(),
  }));
  setHandler(questionsQuery, () => pendingQuestions());

  const questionOwner = (questionId: string): string | undefined =>
    items.find((it) => st(it.id).pendingQuestion?.questionId === questionId)?.id;
  // Human-facing handlers check their payload: one typed by hand may be anything, and a handler that throws a
  // TypeError fails the workflow task on every replay, which wedges the epic until someone resets it.
  setHandler(answerSignal, async (a) => {
    if (!isAnswer(a)) return log.warn(`answer ignored: ${ANSWER_SHAPE}`);
    const owner = questionOwner(a.questionId) ?? items.find((it) => a.questionId.startsWith(`${epicId}/${it.id}/`))?.id;
    if (!owner) {
      log.warn(`answer for unknown question ${a.questionId} ignored`);
      return;
    }
    // The item validates and ignores repeats; an item that has finished cannot be signalled, and that must not fail the epic.
    await childHandle(owner).signal(answerSignal, a).catch((err) => log.warn(`answer for ${a.questionId} not delivered: ${describe(err)}`));
  });
  setHandler(
    answerQuestionUpdate,
    async (a) => {
      const owner = questionOwner(a.questionId)!;
      const q = st(owner).pendingQuestion!;
      q.answer = a.answer;
      q.answeredBy = a.answeredBy ?? 'unknown';
      q.answeredAt = Date.now();
      try {
        await childHandle(owner).signal(answerSignal, a);
      } catch (err) {
        // The item is gone: undo, and reject the update (an ApplicationFailure rejects it; anything else would fail the task).
        delete q.answer;
        delete q.answeredBy;
        delete q.answeredAt;
        throw ApplicationFailure.nonRetryable(`item ${owner} could not take the answer: ${describe(err)}`, 'AnswerNotDelivered');
      }
      return { ...q };
    },
    {
      validator: (a) => {
        if (!isAnswer(a)) throw new Error(ANSWER_SHAPE);
        const owner = questionOwner(a.questionId);
        if (!owner) {
          const open = pendingQuestions().map((q) => q.questionId);
          throw new Error(`no open question with id "${a.questionId}" in epic ${epicId}${open.length ? ` (open: ${open.join(', ')})` : ''}`);
        }
        const q = st(owner).pendingQuestion!;
        if (q.answer !== undefined) throw new Error(`question ${a.questionId} was already answered by ${q.answeredBy ?? 'someone'}`);
        if (typeof a.answer !== 'string' || !a.answer.trim()) throw new Error('the answer is empty');
      },
    },
  );
  setHandler(pauseSignal, () => {
    paused = true;
    dirty = true;
  });
  setHandler(resumeSignal, () => {
    paused = false;
    dirty = true;
  });
  setHandler(retryItemSignal, (msg) => {
    const itemId = itemIdOf(msg);
    if (!known(itemId)) return log.warn(`retryItem: unknown item ${itemId}`);
    const s = st(itemId);
    // Not 'rejected': that is a live item between two attempts; a second child would race the first.
    if (!['failed', 'cancelled'].includes(s.state)) return log.warn(`retryItem: ${itemId} is ${s.state}, not failed or cancelled`);
    statuses[itemId] = { ...s, state: 'pending', detail: 'retry requested', pendingQuestion: undefined, finishedAt: undefined };
    dirty = true;
  });
  const stopChild = async (itemId: string) => {
    runs[itemId] = (runs[itemId] ?? 0) + 1; // updates of the stopped run no longer count
    await childHandle(itemId).cancel().catch(() => undefined);
  };
  const isLive = (id: string) => !isTerminal(st(id).state) && st(id).state !== 'pending';
  setHandler(skipItemSignal, async (msg) => {
    const itemId = itemIdOf(msg);
    const reason = typeof msg?.reason === 'string' && msg.reason.trim() ? msg.reason : undefined;
    if (!known(itemId)) return log.warn(`skipItem: unknown item ${itemId}`);
    const s = st(itemId);
    if (s.state === 'merged' || s.state === 'done') return;
    const wasFailed = s.state === 'failed';
    if (isLive(itemId)) await stopChild(itemId);
    statuses[itemId] = { ...st(itemId), state: 'skipped', detail: reason ?? 'skipped by a human', pendingQuestion: undefined, finishedAt: Date.now() };
    // A failed item keeps its worktree for a retry; skipped, nobody needs it (a running item cleans up when cancelled).
    if (wasFailed) await core.removeWorktree({ repoPath: plan.repo.path, epicId, itemId, deleteBranch: false }).catch(() => undefined);
    dirty = true;
  });
  setHandler(cancelItemSignal, async (msg) => {
    const itemId = itemIdOf(msg);
    if (!known(itemId)) return log.warn(`cancelItem: unknown item ${itemId}`);
    const s = st(itemId);
    if (['merged', 'done', 'skipped', 'cancelled'].includes(s.state)) return;
    const wasFailed = s.state === 'failed';
    if (isLive(itemId)) await stopChild(itemId);
    statuses[itemId] = { ...st(itemId), state: 'cancelled', detail: 'cancelled by a human', pendingQuestion: undefined, finishedAt: Date.now() };
    if (wasFailed) await core.removeWorktree({ repoPath: plan.repo.path, epicId, itemId, deleteBranch: false }).catch(() => undefined);
    dirty = true;
  });
  let keepWorktrees = false;
  setHandler(cancelOptionsSignal, (o) => {
    keepWorktrees = Boolean(o?.keepWorktrees);
  });
  setHandler(approveSignal, async (msg) => {
    const itemId = itemIdOf(msg);
    if (!known(itemId)) return log.warn(`approve: unknown item ${itemId}`);
    const approvedBy = typeof msg?.approvedBy === 'string' ? msg.approvedBy : undefined;
    await childHandle(itemId).signal(itemApproveSignal, { approvedBy }).catch((err) => log.warn(`approve for ${itemId} not delivered: ${describe(err)}`));
  });

  // ---- helpers ----
  function totalCost() {
    return Math.round(items.reduce((sum, it) => sum + (st(it.id).costUsd ?? 0), 0) * 1e6) / 1e6;
  }
  const applyOutcome = (itemId: string, run: number, outcome: ItemOutcome) => {
    if (run !== runs[itemId]) return;
    const s = st(itemId);
    if (isTerminal(s.state) && s.state === outcome.state) return;
    statuses[itemId] = { ...s, state: outcome.state, mergeCommit: outcome.mergeCommit ?? s.mergeCommit, attempts: outcome.attempts, costUsd: outcome.costUsd, detail: outcome.error ?? s.detail, finishedAt: s.finishedAt ?? Date.now() };
    dirty = true;
  };
  /** Dependents of failed or cancelled items are blocked; they unblock when the cause is retried or skipped. */
  const propagateBlocking = () => {
    for (let changed = true; changed; ) {
      changed = false;
      for (const it of items) {
        const s = st(it.id);
        const holdingBack = it.dependsOn.filter((d) => known(d) && ['failed', 'cancelled', 'blocked'].includes(st(d).state));
        if (s.state === 'pending' && holdingBack.length) {
          statuses[it.id] = { ...s, state: 'blocked', detail: `blocked by ${holdingBack.join(', ')}` };
          changed = true;
        } else if (s.state === 'blocked' && !holdingBack.length) {
          statuses[it.id] = { ...s, state: 'pending', detail: undefined };
          changed = true;
        }
      }
    }
  };
  const running = () => items.filter((it) => isLive(it.id)).length;

  const startItem = async (it: WorkItem) => {
    const run = (runs[it.id] ?? 0) + 1;
    runs[it.id] = run;
    const prev = st(it.id);
    statuses[it.id] = { ...prev, state: 'running', detail: 'starting', startedAt: Date.now() };
    const input: WorkItemInput = {
      epicId,
      epicWorkflowId: info.workflowId,
      run,
      item: it,
      repo: plan.repo,
      settings,
      source: plan.source,
      priorAttempts: prev.attempts,
      priorCostUsd: prev.costUsd,
    };
    try {
      const handle = await startChild(workItemWorkflow, {
        workflowId: itemWorkflowId(epicId, it.id),
        taskQueue: TASK_QUEUE,
        args: [input],
        // Children outlive this run when the epic continues-as-new; they report by signal to the epic's id.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        // Cancelling the epic must not cancel the children behind its back: it first tells them whether to keep
        // their worktrees (cancelOptions), then cancels each one itself.
        cancellationType: ChildWorkflowCancellationType.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        typedSearchAttributes: [
          { key: OverseerEpic, value: epicId },
          { key: OverseerState, value: 'running' },
          { key: OverseerAwaitingHuman, value: false },
        ],
        staticSummary: `${it.id}: ${it.title}`,
      });
      handle.result().then(
        (outcome) => applyOutcome(it.id, run, outcome),
        (err) => {
          if (run !== runs[it.id]) return;
          if (isCancellation(err) && phase === 'cancelled') return; // the child reports its own cancellation
          statuses[it.id] = { ...st(it.id), state: isCancellation(err) ? 'cancelled' : 'failed', detail: describe(err), finishedAt: Date.now() };
          dirty = true;
        },
      );
    } catch (err) {
      // Already running (a previous epic run started it and lost track): its signals keep us informed.
      log.warn(`item ${it.id} could not be started: ${describe(err)}`);
      statuses[it.id] = { ...st(it.id), detail: `already running (${describe(err)})` };
    }
  };

  /** Items held for a human's merge approval (`approval: before-merge`). */
  const awaitingApproval = () => (settings.approval === 'before-merge' ? items.filter((it) => st(it.id).state === 'approved') : []);
  const updateSearchAttributes = () => {
    const human = pendingQuestions().length > 0 || items.some((it) => st(it.id).state === 'failed') || awaitingApproval().length > 0;
    upsertSearchAttributes([
      { key: OverseerEpic, value: epicId },
      { key: OverseerState, value: phase },
      { key: OverseerAwaitingHuman, value: human },
    ]);
  };

  // The plan's source hears when the epic starts and completes (a ccw session turns `active`, then `completed`).
  const sourceWriteBack = async (kind: 'epic-started' | 'epic-completed') => {
    if (!plan.source || plan.source.kind === 'native') return;
    try {
      await core.writeBack(plan.source, { kind });
    } catch (err) {
      log.warn(`write-back (${kind}) failed: ${describe(err)}`); // never fails the epic
    }
  };

  /** One validation round (when the plan asks for it); returns how many follow-up items it added. */
  const validate = async (): Promise<number> => {
    const good = items.every((it) => ['merged', 'done', 'skipped'].includes(st(it.id).state));
    if (!settings.validation.enabled || !good || validationRounds >= settings.validation.maxRounds) return 0;
    validationRounds++;
    phase = 'validating';
    updateSearchAttributes();
    const name = `_validation-${validationRounds}`;
    const agent = agentActivities(settings);
    let report: ValidationReport;
    try {
      const wt = await core.prepareInspectionWorktree({ repoPath: plan.repo.path, epicId, name, targetBranch: plan.repo.targetBranch });
      const res = await agent.runAgent({
        epicId,
        kind: 'validate',
        cwd: wt.worktreePath,
        repoPath: plan.repo.path,
        targetBranch: plan.repo.targetBranch,
        agent: settings.agent,
        item: {
          id: '_validation',
          title: `Validate epic ${epicId}: ${plan.title}`,
          description: items.map((it) => `- ${it.id}: ${it.title} (${st(it.id).state})`).join('\n'),
          acceptance: items.flatMap((it) => it.acceptance),
          dependsOn: [],
          files: [],
        },
      });
      report = res.report as ValidationReport;
    } catch (err) {
      log.warn(`validation round ${validationRounds} failed: ${describe(err)}`);
      return 0; // validation is advice on finished work; its failure does not undo merges
    } finally {
      await core.removeWorktree({ repoPath: plan.repo.path, epicId, itemId: name, deleteBranch: false }).catch(() => undefined);
    }
    if (report.verdict !== 'needs_work' || !report.followUps.length) return 0;
    let k = 0;
    for (const f of report.followUps) {
      k++;
      const wanted = typeof f.id === 'string' && ID_PATTERN.test(f.id) && !known(f.id) ? f.id : `${epicId}-v${validationRounds}-${k}`;
      const id = known(wanted) ? `${wanted}-${k}` : wanted;
      const added: WorkItem = { id, title: f.title || `Follow-up ${k}`, description: f.description ?? '', acceptance: [], dependsOn: [], files: [] };
      items.push(added);
      followUps.push(added);
      statuses[id] = { itemId: id, title: added.title, state: 'pending', attempts: 0, costUsd: 0, detail: `follow-up of validation round ${validationRounds}` };
    }
    critical = criticalPathLengths(items);
    phase = 'running';
    dirty = true;
    return k;
  };

  // ---- run ----
  try {
    if (!carry) {
      // Started again with the same epic id: what is already on the target branch is not done twice.
      const merged = await core.findMergedItems({ repoPath: plan.repo.path, targetBranch: plan.repo.targetBranch, epicId });
      for (const [itemId, commit] of Object.entries(merged)) {
        if (known(itemId) && st(itemId).state === 'pending') {
          statuses[itemId] = { ...st(itemId), state: 'merged', mergeCommit: commit, detail: 'merged by an earlier run' };
        }
      }
      await sourceWriteBack('epic-started');
    }
    let lastPhase: EpicPhase | undefined;
    let lastHuman = '';
    for (;;) {
      for (;;) {
        propagateBlocking();
        if (!paused) {
          const ready = readyItems(items, critical, (id) => st(id).state === 'pending', (id) => isSatisfying(st(id).state), settings.phaseBarriers);
          for (const it of ready) {
            if (running() >= settings.maxParallel) break;
            await startItem(it);
          }
        }
        const allTerminal = items.every((it) => isTerminal(st(it.id).state));
        const failed = items.filter((it) => st(it.id).state === 'failed');
        if (allTerminal && failed.length === 0) break;
        phase = paused ? 'paused' : allTerminal || (running() === 0 && failed.length > 0) ? 'awaiting_human' : 'running';
        const human = [...pendingQuestions().map((q) => q.questionId), ...failed.map((f) => f.id), ...awaitingApproval().map((it) => `approve:${it.id}`)].join(',');
        if (phase !== lastPhase || human !== lastHuman) {
          updateSearchAttributes();
          lastPhase = phase;
          lastHuman = human;
        }
        dirty = false;
        await condition(() => dirty);
        if (workflowInfo().continueAsNewSuggested) {
          await condition(allHandlersFinished);
          await continueAsNew<typeof epicWorkflow>(planInput, { statuses, runs, paused, startedAt, validationRounds, followUps });
        }
      }
      // Every item is done: the product manager checks the integrated result; follow-ups join the same DAG.
      const added = await validate();
      if (added === 0) break;
    }
    const allGood = items.every((it) => ['merged', 'done', 'skipped'].includes(st(it.id).state));
    phase = allGood ? 'completed' : 'failed';
    updateSearchAttributes();
    await condition(allHandlersFinished);
    if (phase === 'completed') await sourceWriteBack('epic-completed');
    return result(phase);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(async () => {
      phase = 'cancelled';
      updateSearchAttributes();
      const live = items.filter((it) => isLive(it.id));
      await Promise.all(
        live.map(async (it) => {
          if (keepWorktrees) await childHandle(it.id).signal(cancelOptionsSignal, { keepWorktrees }).catch(() => undefined);
          await childHandle(it.id).cancel().catch(() => undefined);
        }),
      );
      // Give the children time to stop their sessions and clean their worktrees; they report 'cancelled'.
      await condition(() => items.every((it) => !isLive(it.id)), '2m');
    });
    throw err;
  }

  function result(final: EpicPhase): EpicResult {
    return {
      epicId,
      phase: final,
      items: items.map((it) => {
        const s = st(it.id);
        return {
          itemId: it.id,
          state: s.state,
          mergeCommit: s.mergeCommit,
          attempts: s.attempts,
          costUsd: s.costUsd,
          durationMs: s.startedAt && s.finishedAt ? s.finishedAt - s.startedAt : undefined,
        };
      }),
      costUsd: totalCost(),
      durationMs: Date.now() - startedAt,
    };
  }
}

/** `{itemId}` of a human's signal, or undefined when the payload is not that shape. */
function itemIdOf(msg: unknown): string | undefined {
  const id = (msg as { itemId?: unknown } | null | undefined)?.itemId;
  return typeof id === 'string' ? id : undefined;
}

function isTerminalPhase(p: EpicPhase): boolean {
  return p === 'completed' || p === 'failed' || p === 'cancelled';
}

/** The same checks as the client's, without zod: a plan may come straight from `temporal workflow start`. */
function checkPlan(plan: EpicPlan): void {
  const problems: string[] = [];
  if (typeof plan.epicId !== 'string' || !ID_PATTERN.test(plan.epicId)) problems.push('epicId: must match [A-Za-z0-9._-]+');
  if (!plan.repo?.path) problems.push('repo.path: is required (normalize the plan with `overseer plan <file> --json`)');
  if (!Array.isArray(plan.items) || plan.items.length === 0) problems.push('items: a plan needs at least one item');
  for (const [i, it] of (plan.items ?? []).entries()) {
    if (typeof it.id !== 'string' || !ID_PATTERN.test(it.id)) problems.push(`items[${i}].id: must match [A-Za-z0-9._-]+`);
    if (typeof it.title !== 'string' || !it.title.trim()) problems.push(`items[${i}] (item "${it.id}").title: must not be empty`);
  }
  if (!problems.length) problems.push(...findDagProblems(plan.items.map((it) => ({ id: it.id, dependsOn: it.dependsOn ?? [] }))).map(describeDagProblem));
  if (problems.length) throw ApplicationFailure.nonRetryable(`invalid plan: ${problems.join('; ')}`, 'InvalidPlan');
}
