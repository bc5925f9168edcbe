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
} from '../common/api';
import type { AnswerInput, Question } from '../common/status';
import { ANSWER_SHAPE, isAnswer } from './messages';
import type { ItemContext } from './item-context';

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
      if (why) throw new Error(why);
    },
  });
  setHandler(mergeResultSignal, (r) => {
    if (r.outcome.status === 'held') {
      ctx.mergeHolds.set(r.requestId, r.outcome.reason);
      return;
    }
    ctx.mergeResults.set(r.requestId, r);
  });
  setHandler(itemApproveSignal, (a) => {
    ctx.approvedBy = a?.approvedBy ?? 'unknown';
  });
  setHandler(cancelOptionsSignal, (o) => {
    ctx.keepWorktree = Boolean(o?.keepWorktrees);
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
  q.answeredBy = typeof a.answeredBy === 'string' && a.answeredBy.trim() ? a.answeredBy : 'unknown';
  q.answeredAt = Date.now();
  return { ...q };
}
