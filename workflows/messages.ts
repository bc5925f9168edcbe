/** Small pure helpers of the workflows: message payload checks and error descriptions. */
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import type { AnswerInput } from '../common/status';

export const ANSWER_SHAPE = 'an answer needs {"questionId": "<id>", "answer": "<text>", "answeredBy"?: "<name>"} (open questions: `overseer questions`, or the `questions` query of the epic)';

/** The payload of an `answer` signal or `answerQuestion` update has the right shape (it may come from a hand-typed CLI call). */
export function isAnswer(a: unknown): a is AnswerInput {
  return typeof a === 'object' && a !== null && typeof (a as AnswerInput).questionId === 'string' && typeof (a as AnswerInput).answer === 'string';
}

/** Money to a millionth of a dollar (the CLI reports more digits than matter). */
export function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** The most useful line of an error: the root cause of an activity or child failure. */
export function describe(err: unknown): string {
  let e: unknown = err;
  while ((e instanceof ActivityFailure || e instanceof ChildWorkflowFailure) && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure && e.type) return `${e.message}${e.type.startsWith('Agent') ? '' : ` [${e.type}]`}`;
  return e instanceof Error ? e.message : String(e);
}
