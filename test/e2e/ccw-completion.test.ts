/**
 * Finishing a ccw session with `settings.completion: ask`: once every task merged, the epic asks a human
 * "review" or "complete". "complete" archives the session at once; "review" runs a review session over the
 * integrated result, writes its findings into the session (`.review/overseer-review.md`), then archives it.
 * (The default, `auto`, is covered by ccw-run.test.ts: archived without a question.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { answerQuestionUpdate, questionsQuery } from '../../common/api';
import { epicWorkflowId, TASK_QUEUE } from '../../common/ids';
import type { EpicResult, Question } from '../../common/status';
import { loadPlan } from '../../client/importers/index';
import { useTemporal } from '../helpers/temporal';
import { makeRepo } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { withAgent } from '../helpers/plans';
import { copyCcwFixture, readJson } from '../helpers/ccw';
import { waitFor } from '../helpers/epics';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e));

const archivedPath = (active: string) => path.join(path.dirname(path.dirname(active)), 'archives', path.basename(active));

async function runAsking(answer: string, tag: string): Promise<{ active: string; archived: string; result: EpicResult; question: Question }> {
  const { session: active } = copyCcwFixture();
  const repo = makeRepo(`ccw-ask-${tag}`);
  const loaded = await loadPlan(active, { repo });
  const plan = withAgent({ ...loaded, epicId: `${loaded.epicId}-${tag}` }, fakeAgent({}).command, { completion: 'ask' });
  const handle = await env.client.workflow.start('epicWorkflow', { workflowId: epicWorkflowId(plan.epicId), taskQueue: TASK_QUEUE, args: [plan] });
  const question = await waitFor('the completion question', async () => (await handle.query(questionsQuery)).find((q) => q.itemId === '_completion'));
  assert.deepEqual(question.options, ['review', 'complete']);
  assert.ok(existsSync(active), 'nothing is archived before the human answers');
  const answered = await handle.executeUpdate(answerQuestionUpdate, { args: [{ questionId: question.questionId, answer, answeredBy: 'dana' }] });
  assert.equal(answered.answer, answer);
  const result: EpicResult = await handle.result();
  return { active, archived: archivedPath(active), result, question };
}

describe('ccw completion: ask', () => {
  it('"complete": the session is archived without a review', async () => {
    const { active, archived, result } = await runAsking('complete', 'c');
    assert.equal(result.phase, 'completed');
    assert.ok(!existsSync(active) && existsSync(archived), 'archived');
    assert.equal(readJson(path.join(archived, 'workflow-session.json')).status, 'completed');
    assert.ok(!existsSync(path.join(archived, '.review', 'overseer-review.md')), 'no review ran');
  });

  it('"review": a review session over the integrated result writes its findings into the session, then it is archived', async () => {
    const { active, archived, result } = await runAsking('review', 'r');
    assert.equal(result.phase, 'completed');
    assert.ok(!existsSync(active) && existsSync(archived), 'archived');
    const review = readFileSync(path.join(archived, '.review', 'overseer-review.md'), 'utf8');
    assert.match(review, /^# Review of WFS-user-auth-r\n\nVerdict: approve/);
    assert.match(review, /## Findings and action items/);
  });
});
