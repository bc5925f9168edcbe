/** `overseer questions` and `overseer answer`. */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { answerQuestionUpdate, itemStatusQuery, questionsQuery } from '../../common/api';
import { itemWorkflowId } from '../../common/ids';
import type { Question } from '../../common/status';
import { withClient } from '../connection';
import { epicStatus, requireRunningEpic } from '../epic-handle';
import { cleanFailureMessage, UserError } from '../errors';
import { personName } from '../person';

function age(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
}

/** Every open question of every running epic. */
export async function listQuestions(client: Client): Promise<Question[]> {
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
  if (err instanceof WorkflowUpdateFailedError) return cleanFailureMessage(err.cause?.message || err.message);
  if (err instanceof WorkflowNotFoundError) return `item ${itemId} of epic ${epicId} is not running, so it has no open question; see \`overseer inbox\``;
  return err instanceof Error ? cleanFailureMessage(err.message || err.name) : String(err);
}

/** `<epicId>/<itemId>/<n>` → the item workflow that asked it. */
export function questionTarget(questionId: string): { epicId: string; itemId: string } {
  const m = /^([A-Za-z0-9._-]+)\/([A-Za-z0-9._-]+)\/[0-9.]+$/.exec(questionId);
  if (!m) throw new UserError(`"${questionId}" is not a question id (they look like <epicId>/<itemId>/<n>; see \`overseer questions\`)`);
  return { epicId: m[1], itemId: m[2] };
}

export function formatQuestion(q: Question, now = Date.now()): string[] {
  const lines = [`${q.questionId}  (epic ${q.epicId}, item ${q.itemId}, ${q.kind}, asked ${age(now - q.askedAt)} ago)`, `  ${q.question}`];
  if (q.options?.length) lines.push(`  options: ${q.options.join(' | ')}`);
  if (q.context) lines.push(`  context: ${q.context}`);
  lines.push(`  answer: overseer answer ${q.questionId} ${q.options?.length ? `'${q.options[0]}'` : "'<your answer>'"}`);
  return lines;
}

export async function questionsCommand(opts: { json?: boolean }): Promise<void> {
  await withClient(async ({ client }) => {
    const qs = await listQuestions(client);
    if (opts.json) return console.log(JSON.stringify(qs, null, 2));
    if (!qs.length) return console.log('no open questions (`overseer inbox` shows failed items and approvals too)');
    for (const q of qs) console.log(formatQuestion(q).join('\n'));
  });
}

/** Sends one answer through the validated update and says what happens next; a refusal throws a UserError. */
export async function sendAnswer(client: Client, questionId: string, answer: string, by: string): Promise<void> {
  const { epicId, itemId } = questionTarget(questionId);
  const ref = await requireRunningEpic(client, epicId);
  const handle = client.workflow.getHandle(itemWorkflowId(epicId, itemId));
  let q: Question;
  try {
    q = await handle.executeUpdate(answerQuestionUpdate, { args: [{ questionId, answer, answeredBy: by }] });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      const items = (await epicStatus(ref).catch(() => undefined))?.items ?? [];
      const item = items.find((i) => i.itemId === itemId);
      if (!item) throw new UserError(`answer rejected: item ${itemId} of epic ${epicId} is not running, so it has no open question: the epic has no such item (its items: ${items.map((i) => i.itemId).join(', ')})`);
      throw new UserError(`answer rejected: item ${itemId} of epic ${epicId} is ${item.state}, not running, so it has no open question; see \`overseer inbox\``);
    }
    throw new UserError(`answer rejected: ${whyRejected(err, epicId, itemId)}`);
  }
  const status = await handle.query(itemStatusQuery).catch(() => undefined);
  console.log(`answered ${q.questionId} (as ${q.answeredBy}).`);
  console.log(
    q.kind === 'merge_conflict'
      ? `item ${itemId} continues with "${answer}".`
      : `item ${itemId} resumes Claude session ${status?.sessionId ?? '(unknown)'} in ${status?.worktree ?? 'its worktree'} with your answer.`,
  );
}

export async function answerCommand(questionId: string, answer: string, opts: { by?: string }): Promise<void> {
  questionTarget(questionId);
  await withClient(({ client }) => sendAnswer(client, questionId, answer, opts.by ?? personName()));
}
