/** Small pure helpers of the workflows: message payload checks and error descriptions. */
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import { ITEM_STATES, type AnswerInput, type ItemState } from '../common/status';

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

/** Rejects an update with a clean, non-retryable failure (a plain Error shows as `(type: Error, retryable: true)`). */
export function rejectUpdate(message: string): never {
  throw ApplicationFailure.nonRetryable(message, 'InvalidMessage');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

/** Why a `mergeResult` signal (from the merge queue, or typed by hand) cannot be taken, or undefined. */
export function mergeResultProblem(r: unknown): string | undefined {
  if (!isObject(r) || !isString(r.requestId)) return 'a merge result needs {"requestId": "<id>", "outcome": {...}}';
  const o = r.outcome;
  if (!isObject(o)) return `merge result ${r.requestId}: outcome must be an object`;
  const ok =
    (o.status === 'merged' && isString(o.commit)) ||
    (o.status === 'conflict' && Array.isArray(o.files) && o.files.every(isString)) ||
    (o.status === 'gate_failed' && isString(o.gate) && isString(o.outputTail)) ||
    (o.status === 'held' && isString(o.reason)) ||
    (o.status === 'error' && isString(o.message));
  return ok ? undefined : `merge result ${r.requestId}: outcome ${JSON.stringify(o.status)} is not a known outcome with its fields`;
}

/** Why an item's `itemUpdate` report cannot be taken, or undefined. */
export function itemUpdateProblem(u: unknown): string | undefined {
  if (!isObject(u) || !isString(u.itemId) || typeof u.run !== 'number') return 'an item update needs {"itemId": "<id>", "run": <n>, "status": {...}}';
  const s = u.status;
  if (!isObject(s) || !ITEM_STATES.includes(s.state as ItemState)) return `item update for ${u.itemId}: status.state must be one of ${ITEM_STATES.join(', ')}`;
  if (s.pendingQuestion !== undefined && s.pendingQuestion !== null && !(isObject(s.pendingQuestion) && isString(s.pendingQuestion.questionId))) {
    return `item update for ${u.itemId}: status.pendingQuestion must be a question`;
  }
  return undefined;
}

/** The `answeredBy` of an answer when it names someone (optional: the CLI fills it in). */
export function answeredByOf(a: unknown, fallback = 'unknown'): string {
  const by = isObject(a) ? a.answeredBy : undefined;
  return isString(by) && by.trim() ? by : fallback;
}

/** How much of a gate's (redacted) output the workflow keeps in history: the end, where the error usually is. */
export const GATE_TAIL_CHARS = 2000;

/** The last `GATE_TAIL_CHARS` of a gate's output (the full log stays on disk, named by its path). */
export function shortTail(output: string): string {
  const text = typeof output === 'string' ? output : String(output);
  return text.length <= GATE_TAIL_CHARS ? text : `…${text.slice(-GATE_TAIL_CHARS)}`;
}
