/**
 * Answers to the items' questions, routed to the item that asked. Human-facing handlers check their payload:
 * one typed by hand may be anything, and a handler that throws a TypeError fails the workflow task on every
 * replay, which wedges the epic until someone resets it.
 */
import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';
import { answerQuestionUpdate, answerSignal } from '../common/api';
import { answerRecipient, answerRefusal, questionOwner } from '../common/epic-commands';
import { ANSWER_SHAPE, answeredByOf, describe, isAnswer, rejectUpdate } from './messages';
import { childHandle, type EpicContext } from './epic-context';

export function registerAnswers(ctx: EpicContext): void {
  setHandler(answerSignal, async (a) => {
    if (!isAnswer(a)) return log.warn(`answer ignored: ${ANSWER_SHAPE}`);
    const owner = answerRecipient(ctx.items, ctx.statuses, ctx.epicId, a.questionId);
    if (!owner) {
      log.warn(`answer for unknown question ${a.questionId} ignored`);
      return;
    }
    // The item validates and ignores repeats; an item that has finished cannot be signalled, and that must not fail the epic.
    await childHandle(ctx, owner).signal(answerSignal, a).catch((err) => log.warn(`answer for ${a.questionId} not delivered: ${describe(err)}`));
  });
  setHandler(
    answerQuestionUpdate,
    async (a) => {
      const owner = questionOwner(ctx.items, ctx.statuses, a.questionId)!;
      const q = ctx.statuses[owner].pendingQuestion!;
      q.answer = a.answer;
      q.answeredBy = answeredByOf(a);
      q.answeredAt = Date.now();
      try {
        await childHandle(ctx, owner).signal(answerSignal, a);
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
        if (!isAnswer(a)) rejectUpdate(ANSWER_SHAPE);
        const why = answerRefusal(ctx.items, ctx.statuses, ctx.epicId, a);
        if (why) rejectUpdate(why);
      },
    },
  );
}
