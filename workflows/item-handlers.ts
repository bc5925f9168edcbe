/** The item's message handlers, registered before the first await: answers, merge results, approval, cancel options, status. */
import { log } from '@temporalio/workflow';
import { setHandler } from './handlers';
import {
  answerQuestionUpdate,
  answerSignal,
  cancelOptionsSignal,
  itemApproveSignal,
  itemStatusQuery,
  mergeResultSignal,
  reportStatusSignal,
} from '../common/api';
import type { AnswerInput, Question } from '../common/status';
import { ANSWER_SHAPE, answeredByOf, isAnswer, mergeResultProblem, rejectUpdate } from './messages';
import { report, type ItemContext } from './item-context';

export function registerItemHandlers(ctx: ItemContext): void {
  setHandler(answerSignal, (a) => {
    const why = answerRejection(ctx, a);
    if (why) {
      log.warn(`answer ignored: ${why}`);
      return;
    }
    applyAnswer(ctx, a);
  });
  setHandler(answerQuestionUpdate, (a) => applyAnswer(ctx, a), {
    validator: (a) => {
      const why = answerRejection(ctx, a);
      if (why) rejectUpdate(why);
    },
  });
  setHandler(mergeResultSignal, (r) => {
    const problem = mergeResultProblem(r);
    if (problem) return log.warn(`mergeResult ignored: ${problem}`);
    if (r.outcome.status === 'held') {
      ctx.mergeHolds.set(r.requestId, r.outcome.reason);
      return;
    }
    ctx.mergeResults.set(r.requestId, r);
  });
  setHandler(itemApproveSignal, (a) => {
    // Only while the item waits for it: an approval given earlier would cover code nobody has seen.
    if (!ctx.awaitingApproval) return log.warn(`approve ignored: item ${ctx.item.id} is ${ctx.status.state}, not waiting for approval`);
    const by = (a as { approvedBy?: unknown } | null | undefined)?.approvedBy;
    ctx.approvedBy = typeof by === 'string' && by.trim() ? by : 'unknown';
  });
  setHandler(cancelOptionsSignal, (o) => {
    ctx.keepWorktree = Boolean(o?.keepWorktrees);
  });
  setHandler(reportStatusSignal, () => {
    ctx.followedByReports = true;
    return report(ctx);
  });
  const { status } = ctx;
  setHandler(itemStatusQuery, () => ({ ...status, pendingQuestion: status.pendingQuestion ? { ...status.pendingQuestion } : undefined }));
}

const findQuestion = (ctx: ItemContext, id: string) => ctx.questions.find((q) => q.questionId === id);

/** Why an answer cannot be taken, or undefined when it can. */
function answerRejection(ctx: ItemContext, a: AnswerInput): string | undefined {
  if (!isAnswer(a)) return ANSWER_SHAPE; // typed by hand: a TypeError here would wedge the workflow
  const q = findQuestion(ctx, a.questionId);
  if (!q) {
    const open = ctx.questions.filter((x) => x.answer === undefined && !x.timedOut).map((x) => x.questionId);
    return `no question with id "${a.questionId}" on item ${ctx.item.id}${open.length ? ` (open: ${open.join(', ')})` : ' (it has no open question)'}`;
  }
  if (q.answer !== undefined) return `question ${q.questionId} was already answered by ${q.answeredBy ?? 'someone'}`;
  if (q.timedOut) return `question ${q.questionId} timed out and the session went on without an answer`;
  if (!a.answer.trim()) return 'the answer is empty';
  return undefined;
}

function applyAnswer(ctx: ItemContext, a: AnswerInput): Question {
  const q = findQuestion(ctx, a.questionId)!;
  q.answer = a.answer;
  q.answeredBy = answeredByOf(a);
  q.answeredAt = Date.now();
  return { ...q };
}
