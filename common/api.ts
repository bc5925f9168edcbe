/**
 * The workflows' public message API (DESIGN §3): signal, query and update definitions shared by workflows,
 * activities and the client. `define*` are pure; importing @temporalio/workflow here is safe outside workflows.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BudgetView, AnswerInput, EpicStatus, ItemStatus, ItemUpdate, Question } from './status';
import type { MergeQueueStatus, MergeRequest, MergeResult } from './merge';

// Item and epic
export const answerSignal = defineSignal<[AnswerInput]>('answer');
export const answerQuestionUpdate = defineUpdate<Question, [AnswerInput]>('answerQuestion');
export const statusQuery = defineQuery<EpicStatus | ItemStatus>('status');
export const epicStatusQuery = defineQuery<EpicStatus>('status');
export const itemStatusQuery = defineQuery<ItemStatus>('status');
export const questionsQuery = defineQuery<Question[]>('questions');

// Epic only
export const pauseSignal = defineSignal<[]>('pause');
export const resumeSignal = defineSignal<[]>('resume');
export const retryItemSignal = defineSignal<[{ itemId: string }]>('retryItem');
export const skipItemSignal = defineSignal<[{ itemId: string; reason?: string }]>('skipItem');
export const cancelItemSignal = defineSignal<[{ itemId: string }]>('cancelItem');
export const approveSignal = defineSignal<[{ itemId: string; approvedBy?: string }]>('approve');
/** A raise of the epic's budget (`add` or `set`, USD), or of one item's with `itemId`. */
export interface BudgetRaise {
  add?: number;
  set?: number;
  itemId?: string;
}
export const setBudgetUpdate = defineUpdate<BudgetView, [BudgetRaise]>('setBudget');
export const budgetQuery = defineQuery<BudgetView>('budget');
/** `approve` as an update: rejected (with the reason) unless the item waits for approval. */
export const approveItemUpdate = defineUpdate<{ itemId: string; approvedBy: string }, [{ itemId: string; approvedBy?: string }]>('approveItem');
/** Sent before cancelling an epic (`overseer cancel --keep-worktrees`); passed on to its items. */
export const cancelOptionsSignal = defineSignal<[{ keepWorktrees: boolean }]>('cancelOptions');
/** Internal: an item workflow reporting its state to the epic. */
export const itemUpdateSignal = defineSignal<[ItemUpdate]>('itemUpdate');

// Item only (internal)
export const mergeResultSignal = defineSignal<[MergeResult]>('mergeResult');
export const itemApproveSignal = defineSignal<[{ approvedBy?: string }]>('approve');
/** What an item may spend, sent by the epic whenever it changes (only when the plan sets a budget). */
export interface ItemBudget {
  /** The epic's limit and what all its items had spent when this was sent. */
  epicUsd?: number;
  epicSpentUsd?: number;
  /** The item's own limit (settings.budget.itemUsd, or a raise for this item). */
  itemUsd?: number;
}
export const itemBudgetSignal = defineSignal<[ItemBudget]>('budget');
/** The epic (a run after continue-as-new) asks a child it did not start to report its status again. */
export const reportStatusSignal = defineSignal<[]>('reportStatus');

// Merge queue
export const enqueueSignal = defineSignal<[MergeRequest]>('enqueue');
/** Wakes a queue whose head request is held (e.g. after the user cleaned their checkout). */
export const recheckSignal = defineSignal<[]>('recheck');
export const queueStatusQuery = defineQuery<MergeQueueStatus>('queue');
export const queueMergeResultQuery = defineQuery<MergeResult | undefined, [string]>('mergeResult');
