/** On a terminal, `run --watch` and `status --watch` offer to answer an epic's open questions right there. */
import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { epicStatusQuery } from '../common/api';
import { epicWorkflowId } from '../common/ids';
import type { EpicStatus } from '../common/status';
import { describeError } from './errors';
import { personName } from './person';
import { sendAnswer } from './actions/questions';

/** Asks for each open question's answer; true when at least one was given (the watch goes on). */
export async function answerHere(client: Client, status: EpicStatus): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answered: string[] = [];
  try {
    for (const q of status.items.flatMap((i) => (i.pendingQuestion ? [i.pendingQuestion] : []))) {
      const hint = q.options?.length ? ` (${q.options.join(' / ')})` : '';
      const answer = (await rl.question(`answer ${q.questionId}${hint}, or Enter to leave it: `)).trim();
      if (!answer) continue;
      try {
        await sendAnswer(client, q.questionId, answer, personName());
        answered.push(q.questionId);
      } catch (err) {
        console.log(describeError(err));
      }
    }
  } finally {
    rl.close();
  }
  // The epic hears of the answer a moment later: go on watching once it no longer shows the question as open.
  const handle = client.workflow.getHandle(epicWorkflowId(status.epicId));
  for (let i = 0; i < 20 && answered.length; i++) {
    const open = (await handle.query(epicStatusQuery).catch(() => status)).items.map((it) => it.pendingQuestion?.questionId);
    if (!answered.some((id) => open.includes(id))) break;
    await sleep(500);
  }
  return answered.length > 0;
}
