/**
 * Questions (DESIGN §2 step 2, §3): an implementation session ends with a question, the item waits in
 * `awaiting_answer` (visible to `temporal workflow list`), a human answers with the real `temporal` CLI or with
 * `overseer answer`, and the same Claude session resumes with the answer. Timeouts with and without autoResume.
 * Real dev server, real git, the simulated agent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { epicWorkflowId, itemWorkflowId } from '../../common/ids';
import type { AnswerInput, EpicResult, Question } from '../../common/status';
import { questionsQuery } from '../../common/api';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, sh, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { epicStatus, itemStatus, listWorkflowIds, overseer, signalsIn, smallPlan, startEpic, temporal, waitFor, waitForItem } from '../helpers/epics';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { workers: { runner: { env: { CLAUDE_CONFIG_DIR: tempDir('claude-config') } } } });

const onMain = (repo: string, file: string) => sh(repo, 'show', `main:${file}`);

describe('questions answered by humans', () => {
  it('a question answered with `temporal workflow signal` resumes the same session, is in history, and the item merges', async () => {
    const repo = makeRepo('q-signal');
    const agent = fakeAgent({
      items: { ask: { implement: { questions: [{ question: 'Hash passwords with bcrypt or argon2?', options: ['bcrypt', 'argon2'], context: 'the spec says nothing' }] } } },
    });
    const handle = await startEpic(env, smallPlan('q-signal', repo, [{ id: 'ask' }], agent.command));
    const itemWf = itemWorkflowId('q-signal', 'ask');

    const waiting = await waitForItem(env, 'q-signal', 'ask', ['awaiting_answer']);
    const q = waiting.pendingQuestion!;
    assert.equal(q.question, 'Hash passwords with bcrypt or argon2?');
    assert.deepEqual(q.options, ['bcrypt', 'argon2']);
    assert.equal(q.context, 'the spec says nothing');
    assert.equal(q.kind, 'agent');
    const sessionBefore = (await itemStatus(env, 'q-signal', 'ask')).sessionId;
    assert.ok(sessionBefore, 'the asking session is known');

    // `temporal workflow list` finds the waiting item (visibility is eventually consistent: poll).
    await waitFor('the item in OverseerAwaitingHuman=true', async () =>
      (await listWorkflowIds(env, `OverseerAwaitingHuman=true AND OverseerState='awaiting_answer'`)).includes(itemWf),
    );

    const answer: AnswerInput = { questionId: q.questionId, answer: 'argon2, with the library defaults', answeredBy: 'alice' };
    const r = await temporal(env, 'workflow', 'signal', '--workflow-id', epicWorkflowId('q-signal'), '--name', 'answer', '--input', JSON.stringify(answer));
    assert.equal(r.code, 0, r.stderr);

    const result: EpicResult = await handle.result();
    assert.equal(result.phase, 'completed');
    assert.equal(result.items[0].state, 'merged');

    const item = await itemStatus(env, 'q-signal', 'ask');
    assert.equal(item.sessionId, sessionBefore, 'the answer resumed the same Claude session');
    // The simulated agent writes every resumed prompt to this file: the answer reached the session, and it is on main.
    const answers = onMain(repo, 'overseer-sim/ask.answers.md');
    assert.match(answers, /argon2, with the library defaults/);
    assert.match(answers, /from alice/);
    // In the item's history: the signal event (routed by the epic) and the status history line.
    const signals = await signalsIn(env, itemWf);
    assert.ok(
      signals.some((s) => s.name === 'answer' && (s.input[0] as AnswerInput).answer === answer.answer && (s.input[0] as AnswerInput).answeredBy === 'alice'),
      `an answer signal in the item's history: ${JSON.stringify(signals)}`,
    );
    assert.ok(item.history!.some((l) => /^question q-signal\/ask\/1\.1 answered by alice at \d{4}-\d\d-\d\dT[\d:.]+Z: argon2/.test(l)), item.history!.join('\n'));
    // Nothing is pending any more, on the epic either.
    const epic = await epicStatus(env, 'q-signal');
    assert.equal(epic.items[0].pendingQuestion, undefined);
    assert.deepEqual(await env.client.workflow.getHandle(epicWorkflowId('q-signal')).query(questionsQuery), []);
    await waitFor('the item no longer awaiting a human', async () => !(await listWorkflowIds(env, 'OverseerAwaitingHuman=true')).includes(itemWf));
  });

  it('`overseer questions` and `overseer answer`: several questions in turn, wrong ids and second answers rejected', async () => {
    const repo = makeRepo('q-cli');
    const agent = fakeAgent({
      items: { pick: { implement: { questions: [{ question: 'Which database: postgres or sqlite?', options: ['postgres', 'sqlite'] }, { question: 'What should the table be called?' }] } } },
    });
    const handle = await startEpic(env, smallPlan('q-cli', repo, [{ id: 'pick' }], agent.command));

    const w1 = await waitForItem(env, 'q-cli', 'pick', ['awaiting_answer']);
    const q1 = w1.pendingQuestion!;
    assert.equal(q1.questionId, 'q-cli/pick/1.1');

    const [listed, text] = await Promise.all([overseer(env, 'questions', '--json'), overseer(env, 'questions')]);
    assert.equal(listed.code, 0, listed.stderr);
    const qs = JSON.parse(listed.stdout) as Question[];
    assert.equal(qs[0]?.questionId, q1.questionId, `the open question is listed first: ${listed.stdout}`);
    assert.equal(qs[0].itemId, 'pick');
    assert.equal(qs[0].epicId, 'q-cli');
    assert.deepEqual(qs[0].options, ['postgres', 'sqlite']);
    assert.match(text.stdout, /q-cli\/pick\/1\.1 {2}\(epic q-cli, item pick, agent, asked \d+s ago\)/);
    assert.match(text.stdout, /Which database: postgres or sqlite\?/);
    assert.match(text.stdout, /options: postgres \| sqlite/);

    // Wrong ids: a clear message, nothing changes.
    const [unknown, noItem, malformed] = await Promise.all([
      overseer(env, 'answer', 'q-cli/pick/7.7', 'postgres'),
      overseer(env, 'answer', 'q-cli/nosuchitem/1.1', 'postgres'),
      overseer(env, 'answer', 'what-database', 'postgres'),
    ]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /answer rejected: no question with id "q-cli\/pick\/7\.7" on item pick \(open: q-cli\/pick\/1\.1\)/);
    assert.notEqual(noItem.code, 0);
    assert.match(noItem.stderr, /answer rejected: item nosuchitem of epic q-cli is not running.*, so it has no open question/);
    assert.notEqual(malformed.code, 0);
    assert.match(malformed.stderr, /"what-database" is not a question id/);

    const sessionId = (await itemStatus(env, 'q-cli', 'pick')).sessionId;
    const ok = await overseer(env, 'answer', q1.questionId, 'postgres', '--by', 'bob');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /answered q-cli\/pick\/1\.1 \(as bob\)/);
    assert.match(ok.stdout, new RegExp(`item pick resumes Claude session ${sessionId}`));

    // The resumed session asks its second question.
    const w2 = await waitForItem(env, 'q-cli', 'pick', ['awaiting_answer'], (s) => Boolean(s.pendingQuestion && s.pendingQuestion.questionId !== q1.questionId));
    const q2 = w2.pendingQuestion!;
    assert.equal(q2.question, 'What should the table be called?');

    // A second answer to the first question: rejected by the update, ignored as a signal (to the epic or the item).
    const again = await overseer(env, 'answer', q1.questionId, 'sqlite after all', '--by', 'mallory');
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /answer rejected: question q-cli\/pick\/1\.1 was already answered by bob/);
    const repeat = JSON.stringify({ questionId: q1.questionId, answer: 'sqlite after all', answeredBy: 'mallory' });
    assert.equal((await temporal(env, 'workflow', 'signal', '--workflow-id', epicWorkflowId('q-cli'), '--name', 'answer', '--input', repeat)).code, 0);
    assert.equal((await temporal(env, 'workflow', 'signal', '--workflow-id', itemWorkflowId('q-cli', 'pick'), '--name', 'answer', '--input', repeat)).code, 0);

    // The second question, through the epic's validated update with the plain CLI.
    const input = JSON.stringify({ questionId: q2.questionId, answer: 'accounts', answeredBy: 'carol' });
    const upd = await temporal(env, 'workflow', 'update', 'execute', '--workflow-id', epicWorkflowId('q-cli'), '--name', 'answerQuestion', '--input', input);
    assert.equal(upd.code, 0, upd.stderr);
    assert.match(upd.stdout, /accounts/);
    const upd2 = await temporal(env, 'workflow', 'update', 'execute', '--workflow-id', epicWorkflowId('q-cli'), '--name', 'answerQuestion', '--input', input);
    assert.notEqual(upd2.code, 0, 'a second answer through the epic is rejected too');

    const result: EpicResult = await handle.result();
    assert.equal(result.phase, 'completed');
    const item = await itemStatus(env, 'q-cli', 'pick');
    assert.equal(item.sessionId, sessionId, 'both answers resumed the same session');
    const answers = onMain(repo, 'overseer-sim/pick.answers.md');
    assert.match(answers, /postgres/);
    assert.match(answers, /accounts/);
    assert.doesNotMatch(answers, /sqlite after all|mallory/, 'the repeated answers changed nothing');
    const history = item.history!.join('\n');
    assert.match(history, /question q-cli\/pick\/1\.1 answered by bob at \S+Z: postgres/);
    assert.match(history, /question q-cli\/pick\/1\.2 answered by carol at \S+Z: accounts/);
    assert.doesNotMatch(history, /mallory/);
  });

  it('questionTimeout with autoResume: the session goes on without an answer, states its assumption, and merges', async () => {
    const repo = makeRepo('q-auto');
    const agent = fakeAgent({
      items: { guess: { implement: { questions: [{ question: 'Should the API be versioned?' }], report: { assumptions: ['the API is not versioned'] } } } },
    });
    const handle = await startEpic(env, smallPlan('q-auto', repo, [{ id: 'guess' }], agent.command, { questionTimeout: '2s', autoResume: true }));
    const result: EpicResult = await handle.result();
    assert.equal(result.phase, 'completed');
    assert.equal(result.items[0].state, 'merged');
    assert.match(onMain(repo, 'overseer-sim/guess.answers.md'), /No answer came to your question in time/);
    const history = (await itemStatus(env, 'q-auto', 'guess')).history!.join('\n');
    assert.match(history, /awaiting_answer: Should the API be versioned\?/);
    assert.match(history, /question q-auto\/guess\/1\.1 timed out after 2s/);
    assert.match(history, /running: no answer after 2s; resuming the session on its best judgment/);
    assert.match(history, /assumptions: the API is not versioned/);
  });

  it('questionTimeout without autoResume: the item keeps waiting; stray messages about finished items do not harm the epic', async () => {
    const repo = makeRepo('q-wait');
    const agent = fakeAgent({ items: { patient: { implement: { questions: [{ question: 'Which license header?' }] } } } });
    const handle = await startEpic(env, smallPlan('q-wait', repo, [{ id: 'patient' }, { id: 'quick' }], agent.command, { questionTimeout: '2s', autoResume: false }));

    await waitForItem(env, 'q-wait', 'quick', ['merged']);
    const waiting = await waitForItem(env, 'q-wait', 'patient', ['awaiting_answer'], (s) => /no answer after 2s; still waiting/.test(s.detail ?? ''));
    const q = waiting.pendingQuestion!;
    const item = await itemStatus(env, 'q-wait', 'patient');
    assert.equal(item.state, 'awaiting_answer');
    assert.ok(item.history!.some((l) => l.startsWith('awaiting_answer: no answer after 2s; still waiting')));
    const open = await env.client.workflow.getHandle(epicWorkflowId('q-wait')).query(questionsQuery);
    assert.deepEqual(open.map((x) => x.questionId), [q.questionId]);
    await waitFor('the waiting item listed', async () => (await listWorkflowIds(env, 'OverseerAwaitingHuman=true')).includes(itemWorkflowId('q-wait', 'patient')));

    // Messages the epic routes to an item that has already finished are dropped, not fatal to the epic; so are
    // malformed ones (a human typing `temporal workflow signal` by hand), to the epic or to the item.
    const stray: [string, string, unknown?][] = [
      [epicWorkflowId('q-wait'), 'answer', { questionId: 'q-wait/quick/1.1', answer: 'too late' }],
      [epicWorkflowId('q-wait'), 'approve', { itemId: 'quick', approvedBy: 'dave' }],
      [epicWorkflowId('q-wait'), 'answer', null],
      [epicWorkflowId('q-wait'), 'answer', { answer: 'no id' }],
      [epicWorkflowId('q-wait'), 'approve'],
      [epicWorkflowId('q-wait'), 'retryItem', 'patient'],
      [epicWorkflowId('q-wait'), 'skipItem', {}],
      [epicWorkflowId('q-wait'), 'cancelItem', null],
      [itemWorkflowId('q-wait', 'patient'), 'answer'],
      [itemWorkflowId('q-wait', 'patient'), 'answer', { questionId: q.questionId, answer: 42 }],
    ];
    for (const [workflowId, name, body] of stray) {
      const r = await temporal(env, 'workflow', 'signal', '--workflow-id', workflowId, '--name', name, ...(body === undefined ? [] : ['--input', JSON.stringify(body)]));
      assert.equal(r.code, 0, r.stderr);
    }
    const badUpdate = await temporal(env, 'workflow', 'update', 'execute', '--workflow-id', itemWorkflowId('q-wait', 'patient'), '--name', 'answerQuestion', '--input', 'null');
    assert.notEqual(badUpdate.code, 0);
    assert.match(badUpdate.stderr + badUpdate.stdout, /an answer needs/);

    const ok = await overseer(env, 'answer', q.questionId, 'Apache-2.0', '--by', 'erin');
    assert.equal(ok.code, 0, ok.stderr);
    const result: EpicResult = await handle.result();
    assert.equal(result.phase, 'completed');
    assert.deepEqual(result.items.map((i) => i.state), ['merged', 'merged']);
    assert.match(onMain(repo, 'overseer-sim/patient.answers.md'), /Apache-2\.0/);
  });
});
