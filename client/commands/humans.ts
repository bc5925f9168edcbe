/** The human side: open questions, answers, and decisions on items (DESIGN §3 signals and updates). */
import type { Command } from 'commander';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import {
  answerQuestionUpdate,
  approveSignal,
  cancelItemSignal,
  epicStatusQuery,
  itemStatusQuery,
  pauseSignal,
  questionsQuery,
  resumeSignal,
  retryItemSignal,
  skipItemSignal,
} from '../../common/api';
import { epicWorkflowId, itemWorkflowId } from '../../common/ids';
import { isTerminal, type ItemState, type Question } from '../../common/status';
import { connect } from '../connection';
import { cancelEpic } from '../cancel';
import { forProgram } from '../program/commands';

function age(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
}

/** Every open question of every running epic. */
export async function listQuestions(client: import('@temporalio/client').Client): Promise<Question[]> {
  const out: Question[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'epicWorkflow' AND ExecutionStatus = 'Running'` })) {
    try {
      out.push(...(await client.workflow.getHandle(wf.workflowId).query(questionsQuery)));
    } catch {
      /* an epic without a live worker cannot answer queries; skip it */
    }
  }
  return out.sort((a, b) => a.askedAt - b.askedAt);
}

/** A one-line reason for a failed `answerQuestion` update. */
export function whyRejected(err: unknown, epicId: string, itemId: string): string {
  if (err instanceof WorkflowUpdateFailedError) return err.cause?.message ?? err.message;
  if (err instanceof WorkflowNotFoundError) {
    const detail = err.message ? ` (${err.message})` : '';
    return `item ${itemId} of epic ${epicId} is not running${detail}, so it has no open question; see \`overseer questions\``;
  }
  return err instanceof Error ? err.message || err.name : String(err);
}

export type Decision = 'retry' | 'skip' | 'cancel' | 'approve';
/** The item states each decision applies to (the epic ignores the others; the CLI says so instead). */
const DECIDABLE: Record<Decision, { ok: (s: ItemState) => boolean; why: string }> = {
  retry: { ok: (s) => s === 'failed' || s === 'cancelled', why: 'only failed or cancelled items can be retried' },
  skip: { ok: (s) => !['merged', 'done', 'skipped'].includes(s), why: 'it is already finished' },
  cancel: { ok: (s) => !['merged', 'done', 'skipped', 'cancelled'].includes(s), why: 'it is already finished' },
  approve: { ok: (s) => !isTerminal(s), why: 'only an item still on its way to the merge can be approved' },
};

/** Refuses a decision on an item the epic does not have, or in a state where the epic would ignore it. */
export async function checkDecision(handle: import('@temporalio/client').WorkflowHandle, epicId: string, itemId: string, decision: Decision): Promise<void> {
  let items;
  try {
    items = (await handle.query(epicStatusQuery)).items;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new Error(`there is no epic ${epicId} (no workflow ${epicWorkflowId(epicId)})`);
    return; // no worker to answer queries: the signal still gets through, and the epic checks it
  }
  const item = items.find((i) => i.itemId === itemId);
  if (!item) throw new Error(`epic ${epicId} has no item ${itemId} (its items: ${items.map((i) => i.itemId).join(', ')})`);
  if (!DECIDABLE[decision].ok(item.state)) throw new Error(`cannot ${decision} ${itemId}: it is ${item.state}, and ${DECIDABLE[decision].why}`);
}

/** `<epicId>/<itemId>/<n>` → the item workflow that asked it. */
export function questionTarget(questionId: string): { epicId: string; itemId: string } {
  const m = /^([A-Za-z0-9._-]+)\/([A-Za-z0-9._-]+)\/[0-9.]+$/.exec(questionId);
  if (!m) throw new Error(`"${questionId}" is not a question id (they look like <epicId>/<itemId>/<n>; see \`overseer questions\`)`);
  return { epicId: m[1], itemId: m[2] };
}

export function registerHumans(program: Command): void {
  program
    .command('questions')
    .description('list every open question across all running epics')
    .option('--json', 'as JSON')
    .action(async (opts) => {
      const { client, connection } = await connect();
      try {
        const qs = await listQuestions(client);
        if (opts.json) return console.log(JSON.stringify(qs, null, 2));
        if (!qs.length) return console.log('no open questions');
        for (const q of qs) {
          console.log(`${q.questionId}  (epic ${q.epicId}, item ${q.itemId}, ${q.kind}, asked ${age(Date.now() - q.askedAt)} ago)`);
          console.log(`  ${q.question}`);
          if (q.options?.length) console.log(`  options: ${q.options.join(' | ')}`);
          if (q.context) console.log(`  context: ${q.context}`);
        }
      } finally {
        await connection.close();
      }
    });

  program
    .command('answer')
    .argument('<questionId>')
    .argument('<answer>')
    .option('--by <name>', 'who answers (recorded in history)', process.env.USER ?? 'cli')
    .description('answer a question; the agent resumes its session with the answer')
    .action(async (questionId: string, answer: string, opts) => {
      const { epicId, itemId } = questionTarget(questionId);
      const { client, connection } = await connect();
      try {
        const handle = client.workflow.getHandle(itemWorkflowId(epicId, itemId));
        let q: Question;
        try {
          q = await handle.executeUpdate(answerQuestionUpdate, { args: [{ questionId, answer, answeredBy: opts.by }] });
        } catch (err) {
          throw new Error(`answer rejected: ${whyRejected(err, epicId, itemId)}`);
        }
        const status = await handle.query(itemStatusQuery).catch(() => undefined);
        console.log(`answered ${q.questionId} (as ${q.answeredBy}).`);
        console.log(
          q.kind === 'merge_conflict'
            ? `item ${itemId} continues with "${answer}".`
            : `item ${itemId} resumes Claude session ${status?.sessionId ?? '(unknown)'} in ${status?.worktree ?? 'its worktree'} with your answer.`,
        );
      } finally {
        await connection.close();
      }
    });


  const signalItem = async (
    epicId: string,
    f: (h: ReturnType<import('@temporalio/client').Client['workflow']['getHandle']>) => Promise<void>,
    check?: { itemId: string; decision: Decision },
  ) => {
    const { client, connection } = await connect();
    try {
      const handle = client.workflow.getHandle(epicWorkflowId(epicId));
      if (check) await checkDecision(handle, epicId, check.itemId, check.decision);
      await f(handle);
    } finally {
      await connection.close();
    }
  };

  program
    .command('retry')
    .argument('<epicId>')
    .argument('<itemId>')
    .description('run a failed item again (with a fresh attempt budget)')
    .action(async (epicId: string, itemId: string) => {
      await signalItem(epicId, (h) => h.signal(retryItemSignal, { itemId }), { itemId, decision: 'retry' });
      console.log(`retry of ${itemId} requested on epic ${epicId}`);
    });
  program
    .command('skip')
    .argument('<epicId>')
    .argument('<itemId>')
    .option('--reason <text>', 'why', 'skipped by a human')
    .description('skip an item; its dependents may proceed')
    .action(async (epicId: string, itemId: string, opts) => {
      await signalItem(epicId, (h) => h.signal(skipItemSignal, { itemId, reason: opts.reason }), { itemId, decision: 'skip' });
      console.log(`${itemId} skipped on epic ${epicId}`);
    });
  program
    .command('approve')
    .argument('<epicId>')
    .argument('<itemId>')
    .option('--by <name>', 'who approves', process.env.USER ?? 'cli')
    .description('let an approved item merge (plans with approval: before-merge)')
    .action(async (epicId: string, itemId: string, opts) => {
      await signalItem(epicId, (h) => h.signal(approveSignal, { itemId, approvedBy: opts.by }), { itemId, decision: 'approve' });
      console.log(`${itemId} approved for merge on epic ${epicId}`);
    });
  program
    .command('pause')
    .argument('<epicId>')
    .description('start no new items (running ones go on)')
    .action(async (epicId: string) => {
      if (await forProgram(epicId, 'pause')) return;
      await signalItem(epicId, (h) => h.signal(pauseSignal));
      console.log(`epic ${epicId} paused`);
    });
  program
    .command('resume')
    .argument('<epicId>')
    .description('start items again after pause')
    .action(async (epicId: string) => {
      if (await forProgram(epicId, 'resume')) return;
      await signalItem(epicId, (h) => h.signal(resumeSignal));
      console.log(`epic ${epicId} resumed`);
    });
  program
    .command('cancel')
    .argument('<epicId>')
    .argument('[itemId]')
    .option('--keep-worktrees', 'leave the worktrees of cancelled items on disk')
    .description('cancel one item, or the whole epic (every agent session stops)')
    .action(async (epicId: string, itemId: string | undefined, opts) => {
      if (itemId) {
        await signalItem(epicId, (h) => h.signal(cancelItemSignal, { itemId }), { itemId, decision: 'cancel' });
        console.log(`${itemId} cancelled on epic ${epicId}`);
        return;
      }
      if (await forProgram(epicId, 'cancel', { keepWorktrees: Boolean(opts.keepWorktrees) })) return;
      const { client, connection } = await connect();
      try {
        await cancelEpic(client, epicId, { keepWorktrees: Boolean(opts.keepWorktrees) });
        console.log(`epic ${epicId} cancelled`);
      } finally {
        await connection.close();
      }
    });
}
