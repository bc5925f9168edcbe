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

/**
 * What each handler does, per workflow type: shown by the Web UI and the built-in `__temporal_workflow_metadata`
 * query (`temporal workflow metadata`). Keys are `<signal|query|update>:<name>`; workflows/handlers.ts uses them.
 */
export const HANDLER_DESCRIPTIONS: Record<string, Record<string, string>> = {
  epicWorkflow: {
    'signal:answer': "A human's answer to an item's pending question ({questionId, answer, answeredBy}); passed on to the item.",
    'update:answerQuestion': 'Answer a pending question and get it back, answered; refused when the question is unknown or already answered.',
    'query:status': "The epic's status: phase, every item's state and detail, cost, usage, budget.",
    'query:questions': 'The questions waiting for a human, across all items.',
    'signal:pause': 'Start no new item until resumed (running items go on).',
    'signal:resume': 'Start ready items again after a pause.',
    'signal:retryItem': 'Run a failed or blocked item again ({itemId}).',
    'signal:skipItem': 'Give up an item; its dependents may start ({itemId, reason}).',
    'signal:cancelItem': "Cancel one item's workflow ({itemId}).",
    'signal:approve': 'Approve an item waiting for approval before its merge ({itemId, approvedBy}).',
    'signal:cancelOptions': 'Sent before cancelling: whether the items keep their worktrees ({keepWorktrees}).',
    'signal:itemUpdate': "Internal: an item workflow reporting its state to the epic.",
    'query:budget': "The budget: limits, what was spent, and what holds the epic.",
    'update:approveItem': 'Approve an item waiting for approval ({itemId, approvedBy}); rejected with the reason unless it waits for it.',
    'update:setBudget': "Raise the epic's (or an item's) budget ({add} or {set} USD, optional {itemId}); validated.",
  },
  workItemWorkflow: {
    'signal:answer': "The answer to this item's pending question; the same agent session resumes with it.",
    'update:answerQuestion': "Answer this item's pending question and get it back, answered.",
    'query:status': "The item's status: state, detail, attempts, branch, pending question, cost and usage.",
    'signal:mergeResult': 'Internal: the merge queue reporting the outcome of this item\'s merge request.',
    'signal:approve': 'Approve the merge of this item (approval: before-merge).',
    'signal:cancelOptions': 'Sent before cancelling: whether to keep the worktree ({keepWorktrees}).',
    'signal:budget': 'Internal: what this item may spend, from the epic.',
    'signal:reportStatus': 'Internal: the epic (after its continue-as-new) asks the item to report its state again.',
  },
  mergeQueueWorkflow: {
    'signal:enqueue': 'A merge request; merged in arrival order, answered by a mergeResult signal; repeats are answered again.',
    'signal:recheck': 'Look again at a held head request now (e.g. after the target checkout was cleaned).',
    'query:queue': 'The queue: the merge in progress (or held, and why), the waiting requests, the recent results.',
    'query:mergeResult': 'The result of one request, by request id (undefined while it waits).',
  },
};
