/**
 * Records the histories of representative runs into test/histories/<scenario>/ for the replay test
 * (test/workflow/replay.test.ts): plain, question, review rejection, merge conflict, crash recovery, and the merge
 * queue's batches and bisection (its history alone).
 *
 *   npx tsx scripts/record-histories.ts [scenario ...]
 *
 * Re-record after a deliberate, compatible-by-design change of workflow code that has no production histories to
 * protect yet; otherwise guard the change with `patched()` and keep the old recordings (they are the proof).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { answerSignal } from '../common/api';
import { epicWorkflowId } from '../common/ids';
import { startTestEnv, startWorkers } from '../test/helpers/temporal';
import { makeRepo } from '../test/helpers/repo';
import { fakeAgent, type Scenario } from '../test/helpers/agent';
import { authPlan } from '../test/helpers/plans';
import { smallPlan, startEpic, waitForItem } from '../test/helpers/epics';
import { spawnWorker } from '../test/helpers/worker-child';
import type { EpicPlan } from '../common/plan';

const OUT = fileURLToPath(new URL('../test/histories/', import.meta.url));

type Recorder = (env: TestWorkflowEnvironment) => Promise<string>;

async function runEpic(env: TestWorkflowEnvironment, plan: EpicPlan, during?: () => Promise<void>): Promise<string> {
  const handle = await startEpic(env, plan);
  if (during) await during();
  await handle.result();
  return plan.epicId;
}

const small = (epicId: string, scenario: Scenario, items: Parameters<typeof smallPlan>[2], settings: Parameters<typeof smallPlan>[4] = {}) => {
  const agent = fakeAgent(scenario);
  return smallPlan(epicId, makeRepo(epicId), items, agent.command, settings);
};

const scenarios: Record<string, Recorder> = {
  async plain(env) {
    const repo = makeRepo('rec-plain');
    return runEpic(env, await authPlan(repo, fakeAgent({}).command, {}, 'rec-plain'));
  },
  async question(env) {
    const plan = small('rec-question', { items: { q: { implement: { questions: [{ question: 'Which database?', options: ['sqlite', 'postgres'] }] } } } }, [{ id: 'q' }, { id: 'r', dependsOn: ['q'] }]);
    return runEpic(env, plan, async () => {
      const st = await waitForItem(env, plan.epicId, 'q', ['awaiting_answer']);
      await env.client.workflow.getHandle(epicWorkflowId(plan.epicId)).signal(answerSignal, { questionId: st.pendingQuestion!.questionId, answer: 'sqlite', answeredBy: 'recorder' });
    });
  },
  async 'review-rejection'(env) {
    const plan = small(
      'rec-review',
      { items: { a: { review: { verdicts: ['request_changes', 'approve'] } }, b: { review: { verdicts: ['request_changes'] }, 'address-review': { rebut: 'the reviewer misread the spec' }, 'tech-lead': { decisions: ['approve'] } } } },
      [{ id: 'a' }, { id: 'b' }],
    );
    return runEpic(env, plan);
  },
  async conflict(env) {
    const plan = small(
      'rec-conflict',
      { items: { a: { implement: { files: { 'shared.txt': 'from a\n' } } }, b: { implement: { files: { 'shared.txt': 'from b\n' }, delayMs: 300 }, 'resolve-conflict': { resolve: 'theirs' } } } },
      [{ id: 'a' }, { id: 'b' }],
      { maxParallel: 2 },
    );
    return runEpic(env, plan);
  },
  async 'crash-recovery'(env) {
    const agent = fakeAgent({ defaults: { '*': { delayMs: 400 } } });
    const repo = makeRepo('rec-crash');
    const plan = smallPlan('rec-crash', repo, [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }], agent.command, { heartbeatTimeout: '2s', agent: { heartbeatTimeout: '2s' } as EpicPlan['settings']['agent'] });
    const crashDir = path.join(repo, '..', `${path.basename(repo)}-crash`);
    const envVars = { OVERSEER_CRASH_POINTS: 'agent:mid-session,merge:after-publish', OVERSEER_CRASH_DIR: crashDir, OVERSEER_CLAUDE_CONFIG_DIR: agent.configDir };
    let worker = spawnWorker(env.address, envVars);
    await worker.ready;
    const handle = await startEpic(env, plan);
    const done = handle.result();
    for (;;) {
      const next = await Promise.race([done.then(() => 'done' as const), worker.exited.then(() => 'died' as const)]);
      if (next === 'done') break;
      worker = spawnWorker(env.address, envVars);
      await worker.ready;
    }
    worker.proc.kill('SIGTERM');
    await worker.exited;
    return plan.epicId;
  },
  // Merge batches (issue 15): four items finish together behind a slow merge gate that one of them fails; the
  // queue batches, bisects, blames it, and merges its fix later. Only the queue's history is kept (below).
  async 'merge-batches'(env) {
    const plan = small(
      'rec-batches',
      { items: { c: { implement: { files: { 'overseer-sim/c.md': '# Item c\n', 'bad.txt': 'x\n' } }, fix: { bash: ['git rm -q bad.txt'] } } } },
      [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }, { id: 'e' }],
      { maxParallel: 5, mergeGates: ['sleep 0.5; test ! -e bad.txt'], review: { enabled: false, maxRounds: 1 } },
    );
    return runEpic(env, plan);
  },
};

/** Scenarios whose epic and item histories are not kept: they record the merge queue's code paths only. */
const QUEUE_ONLY = new Set(['merge-batches']);

async function save(env: TestWorkflowEnvironment, scenario: string, epicId: string): Promise<number> {
  const dir = path.join(OUT, scenario);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for await (const wf of env.client.workflow.list()) {
    if (!wf.workflowId.startsWith(`epic/${epicId}`) && !wf.workflowId.startsWith('merge-queue/')) continue;
    if (QUEUE_ONLY.has(scenario) && !wf.workflowId.startsWith('merge-queue/')) continue;
    const history = await env.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    const name = `${wf.workflowId.replace(/[^A-Za-z0-9._-]+/g, '_')}.${wf.runId.slice(0, 8)}.json`;
    writeFileSync(path.join(dir, name), JSON.stringify({ workflowId: wf.workflowId, type: wf.type, history: JSON.parse(historyToJSON(history)) }));
    n++;
  }
  return n;
}

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(scenarios);
for (const name of wanted) {
  const record = scenarios[name];
  if (!record) throw new Error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
  // One server per scenario, so each folder holds exactly that scenario's workflows (and its own merge queue).
  const env = await startTestEnv();
  const workers = name === 'crash-recovery' ? undefined : await startWorkers(env);
  try {
    const epicId = await record(env);
    console.log(`${name}: ${await save(env, name, epicId)} histories`);
  } finally {
    await workers?.stop();
    await env.teardown();
  }
}
