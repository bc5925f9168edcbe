/**
 * The workflows' public message API (DESIGN §3): signal, query and update definitions shared by workflows,
 * activities and the client. `define*` are pure; importing @temporalio/workflow here is safe outside workflows.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AnswerInput, EpicStatus, ItemStatus, ItemUpdate, Question } from './status';
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
/** `approve` as an update: rejected (with the reason) unless the item waits for approval. */
export const approveItemUpdate = defineUpdate<{ itemId: string; approvedBy: string }, [{ itemId: string; approvedBy?: string }]>('approveItem');
/** Sent before cancelling an epic (`overseer cancel --keep-worktrees`); passed on to its items. */
export const cancelOptionsSignal = defineSignal<[{ keepWorktrees: boolean }]>('cancelOptions');
/** Internal: an item workflow reporting its state to the epic. */
export const itemUpdateSignal = defineSignal<[ItemUpdate]>('itemUpdate');

// Item only (internal)
export const mergeResultSignal = defineSignal<[MergeResult]>('mergeResult');
export const itemApproveSignal = defineSignal<[{ approvedBy?: string }]>('approve');
/** The epic (a run after continue-as-new) asks a child it did not start to report its status again. */
export const reportStatusSignal = defineSignal<[]>('reportStatus');

// Merge queue
export const enqueueSignal = defineSignal<[MergeRequest]>('enqueue');
/** Wakes a queue whose head request is held (e.g. after the user cleaned their checkout). */
export const recheckSignal = defineSignal<[]>('recheck');
export const queueStatusQuery = defineQuery<MergeQueueStatus>('queue');
export const queueMergeResultQuery = defineQuery<MergeResult | undefined, [string]>('mergeResult');
