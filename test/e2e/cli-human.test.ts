/**
 * The terminal a person lives in (issue 18), end to end on a real dev server with the simulated agent: finding
 * epics again (`list`, `status --watch`), one item in full (`status <epic> <item>`, `show`), what the agent did
 * (`logs`) and changed (`diff`), what waits for a person (`inbox`, `run --watch` stopping for one), `doctor`, and
 * messages that are never empty or false (missing and ended epics, repeated pause/resume, re-running a finished plan).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import YAML from 'yaml';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { epicWorkflowId } from '../../common/ids';
import { useTemporal } from '../helpers/temporal';
import { makeRepo, merges, tempDir } from '../helpers/repo';
import { fakeAgent } from '../helpers/agent';
import { overseer, waitForItem, temporal } from '../helpers/epics';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { workers: { runner: { env: { CLAUDE_CONFIG_DIR: tempDir('claude-config') } } } });

before(() => {
  process.env.OVERSEER_HOME = tempDir('overseer-home');
  process.env.USER = 'pat-the-person';
});

function writePlan(epicId: string, command: string[], items: { id: string; dependsOn?: string[] }[], settings: Record<string, unknown> = {}): string {
  const file = path.join(tempDir('plans'), `${epicId}.yaml`);
  writeFileSync(
    file,
    YAML.stringify({
      epicId,
      title: `Human epic ${epicId}`,
      settings: { maxParallel: 2, review: { enabled: false }, agent: { command, retryInterval: '200ms' }, ...settings },
      items: items.map((i) => ({ id: i.id, title: `Item ${i.id}`, description: `Do ${i.id}`, dependsOn: i.dependsOn ?? [] })),
    }),
  );
  return file;
}

const overseerCode = /overseer: $/m;
const BIN = fileURLToPath(new URL('../../bin/overseer.js', import.meta.url));

/** `overseer` with extra environment (the helper pins TEMPORAL_NAMESPACE). */
function overseerWith(extra: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, TEMPORAL_ADDRESS: env.address, ...extra }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe('overseer for a person at the terminal', () => {
  it('a missing epic says so, for every command', async () => {
    const runs = await Promise.all([
      overseer(env, 'status', 'nosuch'),
      overseer(env, 'pause', 'nosuch'),
      overseer(env, 'cancel', 'nosuch'),
      overseer(env, 'retry', 'nosuch', 'x'),
      overseer(env, 'logs', 'nosuch', 'x'),
      overseer(env, 'answer', 'nosuch/x/1.1', 'yes'),
    ]);
    for (const r of runs) {
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.doesNotMatch(r.stderr, overseerCode);
      assert.match(r.stderr, /^overseer: there is no epic nosuch \(no workflow epic\/nosuch on this server\); `overseer list --all` shows the epics it knows$/m, r.stderr);
    }
  });

  describe('a finished epic', () => {
    let repo = '';
    let plan = '';
    before(async () => {
      repo = makeRepo('human-done');
      plan = writePlan('h-done', fakeAgent({}).command, [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }]);
      const run = await overseer(env, 'run', plan, '--repo', repo, '--watch');
      assert.equal(run.code, 0, run.stdout + run.stderr);
    });

    it('list shows it with its progress and cost; running-only list does not', async () => {
      const all = await overseer(env, 'list', '--all', '--json');
      assert.equal(all.code, 0, all.stderr);
      const runs = JSON.parse(all.stdout) as { id: string; phase: string; merged: number; total: number; execution: string }[];
      const mine = runs.find((r) => r.id === 'h-done');
      assert.ok(mine, all.stdout);
      assert.deepEqual([mine.phase, mine.merged, mine.total, mine.execution], ['completed', 2, 2, 'COMPLETED']);
      const text = await overseer(env, 'list', '--all');
      assert.match(text.stdout, /^ {3}h-done\s+completed\s+2\/2\s+\$\d+\.\d{4}/m);
      const running = await overseer(env, 'list');
      assert.doesNotMatch(running.stdout, /h-done/);
    });

    it('status <epic> <item> (and show) prints the item in full', async () => {
      const [st, show] = await Promise.all([overseer(env, 'status', 'h-done', 'a'), overseer(env, 'show', 'h-done', 'b', '--json')]);
      assert.equal(st.code, 0, st.stderr);
      assert.match(st.stdout, /^item a of epic h-done: Item a$/m);
      assert.match(st.stdout, /^ {2}state: +merged/m);
      assert.match(st.stdout, /^ {2}attempts: +1$/m);
      assert.match(st.stdout, /^ {2}cost: +\$\d+\.\d{4}, tokens [\d.]+k? in \/ \d+ out \/ \d+ cache read \/ \d+ cache write$/m);
      assert.match(st.stdout, /^ {2}sessions:\n {4}implement +[0-9a-f-]{36} +\$\d+\.\d{4}/m);
      assert.match(st.stdout, /^ {2}merge commit: +[0-9a-f]{40}$/m);
      assert.match(st.stdout, /^ {2}transcripts:\n {4}1\. implement +\/.*implement-[0-9a-f-]{36}\.jsonl$/m);
      assert.match(st.stdout, /^ {2}history:\n/m);
      assert.match(st.stdout, /\$ overseer logs h-done a/);
      assert.equal(show.code, 0, show.stderr);
      const b = JSON.parse(show.stdout) as { itemId: string; state: string; history: string[] };
      assert.equal(b.itemId, 'b');
      assert.equal(b.state, 'merged');
      assert.ok(b.history.length > 0);
      const bad = await overseer(env, 'status', 'h-done', 'zz');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /epic h-done has no item zz \(its items: a, b\)/);
    });

    it('logs renders the transcript for a person; --session picks one', async () => {
      const logs = await overseer(env, 'logs', 'h-done', 'a');
      assert.equal(logs.code, 0, logs.stderr);
      assert.match(logs.stdout, /^=== implement-[0-9a-f-]{36}\.jsonl/m);
      assert.match(logs.stdout, /^── session [0-9a-f-]{36} \(claude 2\.1\.329-simulated/m);
      assert.match(logs.stdout, /^ {2}→ (Write|Edit|Bash): \S/m);
      assert.match(logs.stdout, /^ {4}← /m);
      assert.match(logs.stdout, /^── result: success, \d+ turns, \$\d+\.\d{4}, tokens in \d+ \/ out \d+/m);
      assert.doesNotMatch(logs.stdout, /"type":"assistant"/, 'not raw stream-json');
      const kind = await overseer(env, 'logs', 'h-done', 'a', '--session', 'implement');
      assert.equal(kind.stdout, logs.stdout);
      const none = await overseer(env, 'logs', 'h-done', 'a', '--session', '9');
      assert.equal(none.code, 1);
      assert.match(none.stderr, /there is no session 9: the item has 1 \(1 to 1\)/);
    });

    it('diff shows the merged change', async () => {
      const diff = await overseer(env, 'diff', 'h-done', 'b');
      assert.equal(diff.code, 0, diff.stderr);
      assert.match(diff.stdout, /^item b merged as [0-9a-f]{10} into main; its change:$/m);
      assert.match(diff.stdout, /^diff --git a\/\S+ b\/\S+$/m);
      assert.match(diff.stdout, /^\+/m);
    });

    it('commands on the ended epic say it has ended and how to start it again', async () => {
      for (const args of [['retry', 'h-done', 'a'], ['cancel', 'h-done'], ['pause', 'h-done'], ['skip', 'h-done', 'a']]) {
        const r = await overseer(env, ...args);
        assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
        assert.match(r.stderr, /^overseer: epic h-done has ended \(completed at \d{4}-\d\d-\d\dT[\d:]+Z\), so nothing can change it; start it again with `overseer run <plan>`/m);
        assert.doesNotMatch(r.stdout, /cancelled|paused|skipped/);
      }
      const watch = await overseer(env, 'status', 'h-done', '--watch');
      assert.equal(watch.code, 0, watch.stderr);
      assert.match(watch.stdout, /^epic h-done has ended \(completed\); its last state:\nepic h-done: .* — completed/m);
    });

    it('re-running the finished plan says every item is already merged and starts nothing', async () => {
      const before = await env.client.workflow.getHandle(epicWorkflowId('h-done')).describe();
      const again = await overseer(env, 'run', plan, '--repo', repo, '--watch');
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.match(again.stdout, /^every item of epic h-done is already merged into main \(.*\); nothing to start\.$/m);
      assert.match(again.stdout, /^ {2}a +merged [0-9a-f]{10}$/m);
      assert.doesNotMatch(again.stdout, /started/);
      const after = await env.client.workflow.getHandle(epicWorkflowId('h-done')).describe();
      assert.equal(after.runId, before.runId, 'no new run');
      assert.equal(merges(repo).length, 2);
    });
  });

  it('a failed item: run --watch stops and prints the inbox in full; inbox lists it with its commands; pause/resume say "already"', async () => {
    const repo = makeRepo('human-fail');
    const agent = fakeAgent({ items: { bad: { implement: { failAlways: 'auth' } } } });
    const plan = writePlan('h-fail', agent.command, [{ id: 'bad' }, { id: 'good' }, { id: 'later', dependsOn: ['bad'] }]);
    const run = await overseer(env, 'run', plan, '--repo', repo, '--watch');
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^epic h-fail waits for you:$/m);
    assert.match(run.stdout, /^\[failed\] epic h-fail, item bad failed after \d+ attempts?: /m);
    for (const c of ['retry', 'skip', 'cancel']) assert.match(run.stdout, new RegExp(`^ {4}\\$ overseer ${c} h-fail bad$`, 'm'));

    const [inbox, json, questions] = await Promise.all([overseer(env, 'inbox'), overseer(env, 'inbox', '--json'), overseer(env, 'questions')]);
    assert.equal(inbox.code, 0, inbox.stderr);
    assert.match(inbox.stdout, /^\[failed\] epic h-fail, item bad failed/m);
    assert.match(inbox.stdout, /^ {4}\$ overseer retry h-fail bad$/m);
    const entries = (JSON.parse(json.stdout) as { entries: { kind: string; epicId: string; itemId: string; commands: string[] }[] }).entries.filter((e) => e.epicId === 'h-fail');
    assert.deepEqual(entries.map((e) => [e.kind, e.itemId]), [['failed', 'bad']]);
    assert.match(questions.stdout, /no open questions \(`overseer inbox` shows failed items and approvals too\)/);

    const list = await overseer(env, 'list');
    assert.match(list.stdout, /^ ! h-fail\s+awaiting_human\s+1\/3/m);

    const p1 = await overseer(env, 'pause', 'h-fail');
    assert.equal(p1.code, 0, p1.stderr);
    assert.match(p1.stdout, /^epic h-fail paused/m);
    let p2 = await overseer(env, 'pause', 'h-fail');
    for (let i = 0; i < 20 && !/already/.test(p2.stdout); i++) p2 = await overseer(env, 'pause', 'h-fail');
    assert.match(p2.stdout, /^epic h-fail is already paused/m);
    const r1 = await overseer(env, 'resume', 'h-fail');
    assert.match(r1.stdout, /^epic h-fail resumed$/m);
    let r2 = await overseer(env, 'resume', 'h-fail');
    for (let i = 0; i < 20 && !/already/.test(r2.stdout); i++) r2 = await overseer(env, 'resume', 'h-fail');
    assert.match(r2.stdout, /^epic h-fail is already going: it is \w+, not paused$/m);

    const wrong = await overseer(env, 'retry', 'h-fail', 'good');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /cannot retry good: it is merged, and only failed or cancelled items can be retried/);

    const cancel = await overseer(env, 'cancel', 'h-fail');
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stdout, /^epic h-fail cancelled$/m);
    assert.match(cancel.stdout, /^epic h-fail left \d+ item branch(es)? in .*: overseer\/h-fail\/bad/m);
    assert.match(cancel.stdout, /^ {2}remove branches: git -C \S+ branch -D overseer\/h-fail\/bad/m);
    const again = await overseer(env, 'cancel', 'h-fail');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /epic h-fail has ended \(cancelled/);
  });

  it('a question: inbox shows its options and the exact answer commands; answer defaults answeredBy to the person', async () => {
    const repo = makeRepo('human-q');
    const agent = fakeAgent({ items: { ask: { implement: { questions: [{ question: 'bcrypt or argon2?', options: ['bcrypt', 'argon2'], context: 'the spec says nothing' }] } } } });
    const run = await overseer(env, 'run', writePlan('h-q', agent.command, [{ id: 'ask' }]), '--repo', repo);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^follow it with `overseer status h-q --watch`$/m);
    await waitForItem(env, 'h-q', 'ask', ['awaiting_answer']);

    const [inbox, watch, status, follow] = await Promise.all([
      overseer(env, 'inbox'),
      overseer(env, 'status', 'h-q', '--watch'),
      overseer(env, 'status', 'h-q', 'ask'),
      overseer(env, 'logs', 'h-q', 'ask', '--follow'),
    ]);
    for (const out of [inbox.stdout, watch.stdout]) {
      assert.match(out, /^\[question\] epic h-q, question \[h-q\/ask\/1\.1\]: bcrypt or argon2\?/m);
      assert.match(out, /^ {4}options: bcrypt \| argon2$/m);
      assert.match(out, /^ {4}context: the spec says nothing$/m);
      assert.match(out, /^ {4}\$ overseer answer h-q\/ask\/1\.1 bcrypt$/m);
      assert.match(out, /^ {4}\$ overseer answer h-q\/ask\/1\.1 argon2$/m);
    }
    assert.match(watch.stdout, /^epic h-q waits for you:$/m);
    assert.match(status.stdout, /^ {2}question: +\[h-q\/ask\/1\.1\] bcrypt or argon2\?$/m);
    assert.match(follow.stdout, /^--- item ask is awaiting_answer \(`overseer inbox`\); stopped following$/m);

    const ans = await overseer(env, 'answer', 'h-q/ask/1.1', 'argon2');
    assert.equal(ans.code, 0, ans.stderr);
    assert.match(ans.stdout, /^answered h-q\/ask\/1\.1 \(as pat-the-person\)\.$/m);
  });

  it('on a terminal, status --watch offers to answer a question right there and follows the epic on', async () => {
    const repo = makeRepo('human-tty');
    const agent = fakeAgent({ items: { ask: { implement: { questions: [{ question: 'Tabs or spaces?', options: ['tabs', 'spaces'] }] } } } });
    await overseer(env, 'run', writePlan('h-tty', agent.command, [{ id: 'ask' }]), '--repo', repo);
    await waitForItem(env, 'h-tty', 'ask', ['awaiting_answer']);
    // `script` gives the command a terminal; the answer comes on its input once the prompt is up.
    const cmd = `${process.execPath} ${BIN} status h-tty --watch`;
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      const p = spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, TEMPORAL_ADDRESS: env.address }, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let typed = false;
      const timer = setTimeout(() => p.kill('SIGKILL'), 90_000);
      p.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!typed && /or Enter to leave it: /.test(out)) {
          typed = true;
          p.stdin.write('spaces\n');
        }
      });
      p.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, out });
      });
    });
    assert.match(r.out, /answer h-tty\/ask\/1\.1 \(tabs \/ spaces\), or Enter to leave it:/);
    assert.match(r.out, /answered h-tty\/ask\/1\.1 \(as pat-the-person\)\./);
    assert.match(r.out, /ask\s+merged/);
    assert.equal(r.code, 0, r.out);
  });

  it('an approval: inbox offers diff and approve; diff shows the branch against where it started; approve records the person', async () => {
    const repo = makeRepo('human-approve');
    const run = await overseer(env, 'run', writePlan('h-appr', fakeAgent({}).command, [{ id: 'gate' }], { approval: 'before-merge' }), '--repo', repo, '--watch');
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^\[approval\] epic h-appr, item gate passed review and waits for your approval to merge$/m);
    assert.match(run.stdout, /^ {4}\$ overseer diff h-appr gate$/m);
    assert.match(run.stdout, /^ {4}\$ overseer approve h-appr gate$/m);
    const diff = await overseer(env, 'diff', 'h-appr', 'gate');
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /^item gate \(approved\): overseer\/h-appr\/gate against main at [0-9a-f]{10}, where it started$/m);
    assert.match(diff.stdout, /^diff --git /m);
    const ok = await overseer(env, 'approve', 'h-appr', 'gate');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^gate approved for merge on epic h-appr$/m);
    await waitForItem(env, 'h-appr', 'gate', ['merged']);
    const st = await overseer(env, 'status', 'h-appr', 'gate');
    assert.match(st.stdout, /^ {4}merge approved by pat-the-person$/m, st.stdout);
  });

  it('doctor: each check with its fix; non-zero exit when the agent command is missing', async () => {
    const agent = fakeAgent({});
    const port = env.address.split(':').pop()!;
    const ok = await overseer(env, 'doctor', '--agent-command', agent.command.slice(0, 2).join(' '), '--port', port, '--ui-port', '1');
    assert.match(ok.stdout, /^✓ agent +.*fake-claude\.mjs → .*node \(2\.1\.329-simulated/m);
    assert.match(ok.stdout, /^✓ git +git version \d+\.\d+/m);
    assert.match(ok.stdout, /^✓ temporal +server at /m);
    assert.match(ok.stdout, /^✓ search attributes +OverseerEpic, OverseerState, OverseerAwaitingHuman$/m);
    assert.match(ok.stdout, /^✓ workers +overseer: /m);
    assert.match(ok.stdout, /^✓ workdir +.* is writable$/m);
    assert.match(ok.stdout, /^✓ ports +gRPC port \d+: the Temporal dev server answers there$/m);
    assert.match(ok.stdout, /^[✓!] auth /m);
    assert.doesNotMatch(ok.stdout, /ANTHROPIC_API_KEY=|sk-/, 'names only, never values');
    const missing = await overseer(env, 'doctor', '--agent-command', 'no-such-agent-cli', '--port', port);
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /^✗ agent +the agent command `no-such-agent-cli` is not on this host \(PATH\)\n +fix: install Claude Code/m);
    assert.match(missing.stdout, /^1 problem found$/m);
  });

  it('run warns when no worker polls the task queues', async () => {
    const ns = `lonely-${Date.now()}`;
    assert.equal((await temporal(env, 'operator', 'namespace', 'create', '--namespace', ns)).code, 0);
    for (const [name, type] of [['OverseerEpic', 'Keyword'], ['OverseerState', 'Keyword'], ['OverseerAwaitingHuman', 'Bool']]) {
      await temporal(env, 'operator', 'search-attribute', 'create', '--namespace', ns, '--name', name, '--type', type);
    }
    const r = await overseerWith({ TEMPORAL_NAMESPACE: ns }, 'run', writePlan('h-lonely', fakeAgent({}).command, [{ id: 'x' }]), '--repo', makeRepo('human-lonely'));
    assert.match(r.stderr, /^warning: no worker polls the overseer task queue: the epic will wait until one starts/m, r.stdout + r.stderr);
  });
});
