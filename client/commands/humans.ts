/** The human side: open questions, answers, and decisions on items (DESIGN §3 signals and updates). */
import type { Command } from 'commander';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  answerQuestionUpdate,
  approveSignal,
  cancelItemSignal,
  itemStatusQuery,
  pauseSignal,
  questionsQuery,
  resumeSignal,
  retryItemSignal,
  skipItemSignal,
} from '../../common/api';
import { epicWorkflowId, itemWorkflowId } from '../../common/ids';
import type { Question } from '../../common/status';
import { connect } from '../connection';
import { cancelEpic } from '../cancel';

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
          const cause = err instanceof WorkflowUpdateFailedError ? (err.cause?.message ?? err.message) : (err as Error).message;
          throw new Error(`answer rejected: ${cause}`);
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


  const signalItem = async (epicId: string, f: (h: ReturnType<import('@temporalio/client').Client['workflow']['getHandle']>) => Promise<void>) => {
    const { client, connection } = await connect();
    try {
      await f(client.workflow.getHandle(epicWorkflowId(epicId)));
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
      await signalItem(epicId, (h) => h.signal(retryItemSignal, { itemId }));
      console.log(`retry of ${itemId} requested on epic ${epicId}`);
    });
  program
    .command('skip')
    .argument('<epicId>')
    .argument('<itemId>')
    .option('--reason <text>', 'why', 'skipped by a human')
    .description('skip an item; its dependents may proceed')
    .action(async (epicId: string, itemId: string, opts) => {
      await signalItem(epicId, (h) => h.signal(skipItemSignal, { itemId, reason: opts.reason }));
      console.log(`${itemId} skipped on epic ${epicId}`);
    });
  program
    .command('approve')
    .argument('<epicId>')
    .argument('<itemId>')
    .option('--by <name>', 'who approves', process.env.USER ?? 'cli')
    .description('let an approved item merge (plans with approval: before-merge)')
    .action(async (epicId: string, itemId: string, opts) => {
      await signalItem(epicId, (h) => h.signal(approveSignal, { itemId, approvedBy: opts.by }));
      console.log(`${itemId} approved for merge on epic ${epicId}`);
    });
  program
    .command('pause')
    .argument('<epicId>')
    .description('start no new items (running ones go on)')
    .action(async (epicId: string) => {
      await signalItem(epicId, (h) => h.signal(pauseSignal));
      console.log(`epic ${epicId} paused`);
    });
  program
    .command('resume')
    .argument('<epicId>')
    .description('start items again after pause')
    .action(async (epicId: string) => {
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
        await signalItem(epicId, (h) => h.signal(cancelItemSignal, { itemId }));
        console.log(`${itemId} cancelled on epic ${epicId}`);
        return;
      }
      const { client, connection } = await connect();
      try {
        await cancelEpic(client, epicId, { keepWorktrees: Boolean(opts.keepWorktrees) });
        console.log(`epic ${epicId} cancelled`);
      } finally {
        await connection.close();
      }
    });
}
