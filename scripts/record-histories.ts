/**
 * Records the histories of representative runs into test/histories/<scenario>/ for the replay test
 * (test/workflow/replay.test.ts): plain, question, review rejection, merge conflict, crash recovery, and the merge
 * queue's batches and bisection (its history alone), cancel,
 * retry (right behind a cancel), skip, approval, validation rounds, continue-as-new (epic and item), an item that
 * reports its merge before cleaning up, items with background reports and local git steps, a batch gathered behind
 * a merge gate, a program of three
 * epics (one cancelled, what waits for it blocked), an item that moves off a busy worker host, an epic long
 * enough to continue as new at its own history limit (its runs alone), and a program that continues as new (its
 * runs alone).
 *
 *   npx tsx scripts/record-histories.ts [scenario ...]
 *
 * (test/histories/tracing-order is not recorded here: it is an item's history from test/e2e/tracing.test.ts that
 * happened to put two promise chains in one workflow task, kept as it came.)
 *
 * Re-record after a deliberate, compatible-by-design change of workflow code that has no production histories to
 * protect yet; otherwise guard the change with `patched()` and keep the old recordings (they are the proof).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { appendFileSync } from 'node:fs';
import { answerSignal, approveSignal, cancelItemSignal, recheckSignal, retryItemSignal, skipItemSignal } from '../common/api';
import { epicWorkflowId, itemWorkflowId } from '../common/ids';
import { queueId } from '../test/helpers/merge-queue';
import { sh } from '../test/helpers/repo';
import { runCount, startTestEnv, startWorkers } from '../test/helpers/temporal';
import { makeRepo } from '../test/helpers/repo';
import { fakeAgent, type Scenario } from '../test/helpers/agent';
import { authPlan } from '../test/helpers/plans';
import { overseer, smallPlan, startEpic, waitFor, waitForItem, waitForStatus } from '../test/helpers/epics';
import { startGitServer } from '../test/helpers/git-server';
import { tempDir } from '../test/helpers/repo';
import { programResult, writePlans } from '../test/helpers/program';
import { spawnWorker } from '../test/helpers/worker-child';
import { withoutCheckoutPaths } from './history-paths';
import type { EpicPlan } from '../common/plan';

const OUT = fileURLToPath(new URL('../test/histories/', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

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

/** Scenarios that keep only some of their workflows' histories: the merge queue's, the epic's or the program's runs. */
const KEEP_ONLY: Record<string, (workflowId: string, epicId: string) => boolean> = {
  'merge-batches': (id) => id.startsWith('merge-queue/'),
  'batch-wait': (id) => id.startsWith('merge-queue/'),
  'epic-history-limit': (id, epicId) => id === epicWorkflowId(epicId),
  'program-continue-as-new': (id) => id.startsWith('program/'),
};
const NO_REVIEW = { review: { enabled: false, maxRounds: 1 } };
/** Dev-server flags per scenario (continue-as-new needs a low suggestion threshold to happen in a short run). */
/** A server that suggests continue-as-new once a history has this many events. */
const suggestContinueAsNewAt = (events: number) => ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${events}`];
const SERVER_ARGS: Record<string, string[]> = {
  'continue-as-new': suggestContinueAsNewAt(30),
  'program-continue-as-new': suggestContinueAsNewAt(20),
  'merged-end-unreported': suggestContinueAsNewAt(30),
};

Object.assign(scenarios, {
  async cancel(env) {
    const plan = small('rec-cancel', { items: { a: { implement: { delayMs: 60_000 } }, b: { implement: { delayMs: 2000 } } } }, [{ id: 'a' }, { id: 'b' }], NO_REVIEW);
    return runEpic(env, plan, async () => {
      await waitForItem(env, plan.epicId, 'a', ['running']);
      await env.client.workflow.getHandle(epicWorkflowId(plan.epicId)).signal(cancelItemSignal, { itemId: 'a' });
    });
  },
  async retry(env) {
    const plan = small('rec-retry', { items: { a: { implement: { delayMs: 2000 } }, c: { implement: { delayMs: 6000 } } } }, [{ id: 'a' }, { id: 'c' }], NO_REVIEW);
    return runEpic(env, plan, async () => {
      await waitForItem(env, plan.epicId, 'a', ['running']);
      const h = env.client.workflow.getHandle(epicWorkflowId(plan.epicId));
      await h.signal(cancelItemSignal, { itemId: 'a' });
      await h.signal(retryItemSignal, { itemId: 'a' });
    });
  },
  async skip(env) {
    const plan = small('rec-skip', { items: { a: { implement: { delayMs: 60_000 } } } }, [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }], NO_REVIEW);
    return runEpic(env, plan, async () => {
      await waitForItem(env, plan.epicId, 'a', ['running']);
      await env.client.workflow.getHandle(epicWorkflowId(plan.epicId)).signal(skipItemSignal, { itemId: 'a', reason: 'recorder skips it' });
    });
  },
  async approval(env) {
    const plan = small('rec-approval', {}, [{ id: 'a' }], { ...NO_REVIEW, approval: 'before-merge' });
    return runEpic(env, plan, async () => {
      const h = env.client.workflow.getHandle(epicWorkflowId(plan.epicId));
      await waitForItem(env, plan.epicId, 'a', ['approved'], (s) => /waiting for a human/.test(s.detail ?? ''));
      await h.signal(approveSignal, { itemId: 'a', approvedBy: 'recorder' });
    });
  },
  async validation(env) {
    const plan = small('rec-validation', { defaults: { validate: { verdicts: ['needs_work', 'approved'], followUps: [{ title: 'Document it' }] } } }, [{ id: 'a' }], { ...NO_REVIEW, validation: { enabled: true, maxRounds: 3 } });
    return runEpic(env, plan);
  },
  async 'continue-as-new'(env) {
    // The epic continues-as-new as items report; the item continues-as-new while a dirty checkout holds its merge.
    const plan = small('rec-can', {}, [{ id: 'a' }, { id: 'b' }], { ...NO_REVIEW, mergeHoldRetry: '1ms', maxParallel: 1 });
    appendFileSync(path.join(plan.repo.path, 'README.md'), 'uncommitted\n');
    return runEpic(env, plan, async () => {
      await waitFor('item a to continue-as-new', async () => (await runCount(env, itemWorkflowId(plan.epicId, 'a'))) >= 2, 120_000);
      sh(plan.repo.path, 'commit', '-q', '-am', 'the user commits');
      await env.client.workflow.getHandle(queueId(plan.repo.path)).signal(recheckSignal);
    });
  },
  async 'epic-history-limit'(env) {
    // Enough items (instant sessions) that the epic's history passes EPIC_HISTORY_EVENTS and it continues as new
    // behind the 'epic-history-limit' patch. Only the epic's runs are kept (the items and queue are as in 'plain').
    const plan = small('rec-limit', {}, Array.from({ length: 80 }, (_, k) => ({ id: `l${k + 1}` })), { ...NO_REVIEW, maxParallel: 8 });
    return runEpic(env, plan);
  },
  async 'merged-before-cleanup'(env) {
    // The item reports `merged` before it cleans up; its dependent starts meanwhile.
    const plan = small('rec-early', {}, [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }], NO_REVIEW);
    return runEpic(env, plan);
  },
  async 'merged-end-unreported'(env) {
    // Since 'merged-end-unreported': a merged item's end is heard from its result, except by an epic run that did
    // not start it. The epic continues as new often (SERVER_ARGS), so some items are asked to report (reattached)
    // and say they are clean, and others, started by the last run, do not.
    const plan = small('rec-quiet-end', { items: { c: { implement: { delayMs: 1500 } } } }, [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }, { id: 'c' }], NO_REVIEW);
    return runEpic(env, plan);
  },
  async 'batch-wait'(env) {
    // Behind a merge gate, the first request to arrive waits (mergeBatch.wait) for the others to share its gate run.
    const plan = small('rec-gather', {}, [{ id: 'a' }, { id: 'b' }, { id: 'c' }], { maxParallel: 3, mergeGates: ['true'], mergeBatch: { max: 8, wait: '3s' }, ...NO_REVIEW });
    return runEpic(env, plan);
  },
  async 'fewer-round-trips'(env) {
    // Since 'fewer-round-trips': background reports, a local plan's git steps as local activities; with a question,
    // a gate, the council and a dependent.
    const questions = [{ question: 'Which database?', options: ['sqlite', 'postgres'] }];
    const plan = small('rec-local', { items: { q: { implement: { questions } } } }, [{ id: 'q' }, { id: 'r', dependsOn: ['q'] }], { gates: ['true'] });
    return runEpic(env, plan, async () => {
      const st = await waitForItem(env, plan.epicId, 'q', ['awaiting_answer']);
      await env.client.workflow.getHandle(epicWorkflowId(plan.epicId)).signal(answerSignal, { questionId: st.pendingQuestion!.questionId, answer: 'sqlite', answeredBy: 'recorder' });
    });
  },
  // An item claimed ahead of its session on a busy host moves to a host that comes up free (issue 12): two worker
  // hosts of one session slot each on a git remote; only the hosts' own workers run.
  async 'host-move'(env) {
    const server = await startGitServer(['rec-move']);
    const agent = fakeAgent({ defaults: { implement: { delayMs: 12_000 } } });
    const host = (name: string) => spawnWorker(env.address, { OVERSEER_HOST: name, OVERSEER_WORKDIR: tempDir(`rec-${name}`), OVERSEER_MAX_SESSIONS: '1', OVERSEER_CLAUDE_CONFIG_DIR: `${agent.configDir}-${name}` });
    const hosts = [host('rec-a')];
    try {
      await hosts[0].ready;
      const plan = smallPlan('rec-move', '', [{ id: 'one' }, { id: 'two' }], agent.command, { maxParallel: 2, review: { enabled: false, maxRounds: 1 } });
      plan.repo = { path: '', url: server.url('rec-move'), targetBranch: 'main' };
      const handle = await startEpic(env, plan);
      await waitForStatus(env, plan.epicId, (st) => st.items.some((i) => i.detail === 'waiting for a session slot on rec-a'));
      hosts.push(host('rec-b'));
      await hosts[1].ready;
      await handle.result();
      return plan.epicId;
    } finally {
      for (const h of hosts) h.proc.kill('SIGTERM');
      await Promise.all(hosts.map((h) => h.exited));
      server.stop();
    }
  },
  // Since 'quiet-passing-states': an item on a git remote (one worker host) neither reports claiming a host (the
  // epic shows it) nor its approval by the council (its merge request follows in the same workflow task).
  async 'quiet-passing-states'(env) {
    const server = await startGitServer(['rec-quiet']);
    const agent = fakeAgent();
    const host = spawnWorker(env.address, { OVERSEER_HOST: 'rec-q', OVERSEER_WORKDIR: tempDir('rec-q'), OVERSEER_MAX_SESSIONS: '2', OVERSEER_CLAUDE_CONFIG_DIR: `${agent.configDir}-q` });
    try {
      await host.ready;
      const plan = smallPlan('rec-quiet', '', [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }], agent.command, { maxParallel: 2 });
      plan.repo = { path: '', url: server.url('rec-quiet'), targetBranch: 'main' };
      await (await startEpic(env, plan)).result();
      return plan.epicId;
    } finally {
      host.proc.kill('SIGTERM');
      await host.exited;
      server.stop();
    }
  },
  async program(env) {
    // Three epics: web waits for api/a1 (merges), mob for api/a2, which never does: api is cancelled, mob blocked.
    const repo = makeRepo('rec-program');
    const agent = fakeAgent({ items: { a2: { implement: { delayMs: 60_000 } } } });
    const specs = [
      { epicId: 'rec-api', repo, items: [{ id: 'a1' }, { id: 'a2' }] },
      { epicId: 'rec-web', repo, items: [{ id: 'w1', dependsOn: ['rec-api/a1'] }] },
      { epicId: 'rec-mob', repo, items: [{ id: 'm1', dependsOn: ['rec-api/a2'] }] },
    ];
    const run = await overseer(env, 'run', ...writePlans(specs, agent.command), '--program', 'rec');
    if (run.code !== 0) throw new Error(run.stderr);
    await waitForItem(env, 'rec-web', 'w1', ['merged']);
    await overseer(env, 'cancel', 'rec-api');
    await programResult(env, 'rec');
    return 'rec-';
  },
  async 'program-continue-as-new'(env) {
    // The seed's example as a program on a server that suggests continue-as-new early: the program's later runs
    // wait for their epics through an activity. Only the program's runs are kept.
    const repo = makeRepo('rec-pcan');
    const agent = fakeAgent({ defaults: { '*': { delayMs: 200 } } });
    const specs = [
      { epicId: 'rec-papi', repo, items: [{ id: 'p1' }, { id: 'p2', dependsOn: ['p1'] }] },
      { epicId: 'rec-pweb', repo, items: [{ id: 'q1', dependsOn: ['rec-papi/p2'] }, { id: 'q2' }] },
    ];
    const run = await overseer(env, 'run', ...writePlans(specs, agent.command), '--program', 'rec-pcan');
    if (run.code !== 0) throw new Error(run.stderr);
    await programResult(env, 'rec-pcan');
    return 'rec-p';
  },
} satisfies Record<string, Recorder>);

async function save(env: TestWorkflowEnvironment, scenario: string, epicId: string): Promise<number> {
  const dir = path.join(OUT, scenario);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for await (const wf of env.client.workflow.list()) {
    if (!wf.workflowId.startsWith(`epic/${epicId}`) && !/^(merge-queue|program)\//.test(wf.workflowId)) continue;
    if (KEEP_ONLY[scenario] && !KEEP_ONLY[scenario](wf.workflowId, epicId)) continue;
    const history = await env.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    const name = `${wf.workflowId.replace(/[^A-Za-z0-9._-]+/g, '_')}.${wf.runId.slice(0, 8)}.json`;
    // The agent's command, plan paths and stack traces name this checkout: kept relative to it.
    const json = JSON.stringify({ workflowId: wf.workflowId, type: wf.type, history: JSON.parse(historyToJSON(history)) });
    writeFileSync(path.join(dir, name), withoutCheckoutPaths(json, REPO_ROOT));
    n++;
  }
  return n;
}

/** Scenarios that start worker processes of their own (a crashing worker, worker hosts). */
const OWN_WORKERS = new Set(['crash-recovery', 'host-move', 'quiet-passing-states']);

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(scenarios);
for (const name of wanted) {
  const record = scenarios[name];
  if (!record) throw new Error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
  // One server per scenario, so each folder holds exactly that scenario's workflows (and its own merge queue).
  const env = await startTestEnv(SERVER_ARGS[name]);
  const workers = OWN_WORKERS.has(name) ? undefined : await startWorkers(env);
  try {
    const epicId = await record(env);
    console.log(`${name}: ${await save(env, name, epicId)} histories`);
  } finally {
    await workers?.stop();
    await env.teardown();
  }
}
