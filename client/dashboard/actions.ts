/**
 * What the page can change: answers (the validated `answerQuestion` update, as `overseer answer` sends it) and
 * decisions (the epic's signals, checked first the way the CLI checks them, so a decision the epic would ignore
 * is refused with the reason).
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  answerQuestionUpdate,
  approveSignal,
  cancelItemSignal,
  pauseSignal,
  resumeSignal,
  retryItemSignal,
  skipItemSignal,
} from '../../common/api';
import { epicWorkflowId, itemWorkflowId } from '../../common/ids';
import type { Question } from '../../common/status';
import { checkDecisionFor as checkDecision } from '../actions/decisions';
import { questionTarget, whyRejected } from '../actions/questions';
import { cancelEpic } from '../cancel';
import { epicStatus } from './epics';

/** A refusal the page shows as it is (HTTP 409). */
export class Refused extends Error {}

export async function answer(client: Client, body: { questionId?: unknown; answer?: unknown; answeredBy?: unknown }): Promise<Question> {
  if (typeof body.questionId !== 'string') throw new Refused('an answer needs a questionId');
  let target: { epicId: string; itemId: string };
  try {
    target = questionTarget(body.questionId);
  } catch (err) {
    throw new Refused((err as Error).message);
  }
  const answeredBy = typeof body.answeredBy === 'string' && body.answeredBy.trim() ? body.answeredBy.trim() : 'dashboard';
  const handle = client.workflow.getHandle(itemWorkflowId(target.epicId, target.itemId));
  try {
    return await handle.executeUpdate(answerQuestionUpdate, {
      args: [{ questionId: body.questionId, answer: typeof body.answer === 'string' ? body.answer : '', answeredBy }],
    });
  } catch (err) {
    throw new Refused(`answer rejected: ${whyRejected(err, target.epicId, target.itemId)}`);
  }
}

export type Action = 'pause' | 'resume' | 'cancel' | 'retry' | 'skip' | 'approve';
export const ACTIONS: Action[] = ['pause', 'resume', 'cancel', 'retry', 'skip', 'approve'];

export interface ActionRequest {
  action: Action;
  itemId?: string;
  reason?: string;
  by?: string;
}

/** Pause, resume and cancel of the whole epic apply only while it runs (and pause/resume only one way). */
async function checkEpicAction(client: Client, epicId: string, action: Action): Promise<void> {
  let phase: string;
  try {
    phase = (await epicStatus(client, epicId)).phase;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new Refused(`there is no epic ${epicId}`);
    throw err;
  }
  if (['completed', 'failed', 'cancelled'].includes(phase)) throw new Refused(`cannot ${action} epic ${epicId}: it has ended (${phase})`);
  if (action === 'pause' && phase === 'paused') throw new Refused(`epic ${epicId} is already paused`);
  if (action === 'resume' && phase !== 'paused') throw new Refused(`cannot resume epic ${epicId}: it is not paused (it is ${phase})`);
}

async function checkItemAction(client: Client, epicId: string, req: ActionRequest & { itemId: string }): Promise<void> {
  const handle = client.workflow.getHandle(epicWorkflowId(epicId));
  try {
    await checkDecision(handle, epicId, req.itemId, req.action as 'retry' | 'skip' | 'cancel' | 'approve');
  } catch (err) {
    throw new Refused((err as Error).message);
  }
  if (req.action === 'approve') {
    const item = (await epicStatus(client, epicId)).items.find((i) => i.itemId === req.itemId);
    if (item && item.state !== 'approved') {
      throw new Refused(`cannot approve ${req.itemId}: it is ${item.state}; only an item held for approval (approved, with approval: before-merge) can be let through`);
    }
  }
}

/** Checks the decision, then sends it; returns a line saying what was done. */
export async function perform(client: Client, epicId: string, req: ActionRequest): Promise<string> {
  if (!ACTIONS.includes(req.action)) throw new Refused(`unknown action ${String(req.action)}`);
  const handle = client.workflow.getHandle(epicWorkflowId(epicId));
  if (!req.itemId) {
    if (['retry', 'skip', 'approve'].includes(req.action)) throw new Refused(`${req.action} needs an item`);
    await checkEpicAction(client, epicId, req.action);
    if (req.action === 'pause') await handle.signal(pauseSignal);
    else if (req.action === 'resume') await handle.signal(resumeSignal);
    else await cancelEpic(client, epicId, { keepWorktrees: false });
    return `epic ${epicId}: ${req.action} sent`;
  }
  const itemId = req.itemId;
  if (['pause', 'resume'].includes(req.action)) throw new Refused(`${req.action} applies to the whole epic, not to an item`);
  await checkItemAction(client, epicId, { ...req, itemId });
  if (req.action === 'retry') await handle.signal(retryItemSignal, { itemId });
  else if (req.action === 'skip') {
    const reason = req.reason?.trim();
    if (!reason) throw new Refused('skipping an item needs a reason');
    await handle.signal(skipItemSignal, { itemId, reason });
  } else if (req.action === 'cancel') await handle.signal(cancelItemSignal, { itemId });
  else await handle.signal(approveSignal, { itemId, approvedBy: req.by?.trim() || 'dashboard' });
  return `${itemId}: ${req.action} sent to epic ${epicId}`;
}
