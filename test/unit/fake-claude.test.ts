// Tests for the simulated `claude` CLI (test/fixtures/fake-claude.mjs): it must speak the
// stream-json protocol of claude 2.1.329 and really do the work its scenario describes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';

const FAKE = fileURLToPath(new URL('../fixtures/fake-claude.mjs', import.meta.url));
const SCHEMA = JSON.stringify({ type: 'object', properties: { status: { type: 'string' } } });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ev = any; // parsed JSON lines; shapes are asserted field by field

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  events: Ev[];
  result: Ev | undefined;
}

const tmpRoots: string[] = [];
after(() => {
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true });
});

function tmp(prefix: string): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), `fake-claude-${prefix}-`)));
  tmpRoots.push(d);
  return d;
}

/** A fresh sandbox: a work dir (cwd), a CLAUDE_CONFIG_DIR and a scenario path. */
function sandbox(name: string) {
  const root = tmp(name);
  const cwd = join(root, 'work');
  const config = join(root, 'claude-config');
  mkdirSync(cwd, { recursive: true });
  const gitConfig = join(root, 'gitconfig');
  writeFileSync(gitConfig, '');
  const baseEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('OVERSEER_') && k !== 'CLAUDE_CONFIG_DIR') baseEnv[k] = v;
  }
  Object.assign(baseEnv, {
    CLAUDE_CONFIG_DIR: config,
    GIT_CONFIG_GLOBAL: gitConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@t',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@t',
  });
  const scenarioPath = join(root, 'scenario.json');
  return {
    root,
    cwd,
    config,
    scenarioPath,
    env: baseEnv,
    writeScenario(s: unknown) {
      writeFileSync(scenarioPath, JSON.stringify(s));
      return scenarioPath;
    },
  };
}

function parseLines(stdout: string): Ev[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Ev);
}

function run(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; extraEnv?: Record<string, string> }): RunResult {
  const r = spawnSync(FAKE, args, {
    cwd: opts.cwd,
    env: { ...opts.env, ...opts.extraEnv },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15_000,
  });
  let events: Ev[] = [];
  try {
    events = parseLines(r.stdout);
  } catch {
    events = [];
  }
  return {
    code: r.status,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr,
    events,
    result: events.filter((e) => e.type === 'result').at(-1),
  };
}

const streamArgs = (prompt: string, ...more: string[]) => [
  '-p',
  prompt,
  '--output-format',
  'stream-json',
  '--verbose',
  '--json-schema',
  SCHEMA,
  ...more,
];

const itemEnv = (id: string, kind: string, title = `Title of ${id}`): Record<string, string> => ({
  OVERSEER_EPIC_ID: 'epic-1',
  OVERSEER_ITEM_ID: id,
  OVERSEER_ITEM_TITLE: title,
  OVERSEER_SESSION_KIND: kind,
  OVERSEER_ROLE: kind === 'review' ? 'reviewer' : 'implementer',
  OVERSEER_TARGET_BRANCH: 'main',
});

function toolUses(events: Ev[], name?: string): Ev[] {
  return events
    .filter((e) => e.type === 'assistant')
    .flatMap((e) => e.message.content as Ev[])
    .filter((c) => c.type === 'tool_use' && (name === undefined || c.name === name));
}

function git(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

describe('fake-claude', () => {
  it('default implement session writes its file and ends with a successful structured result', () => {
    const sb = sandbox('impl');
    const r = run(streamArgs('Implement the login form with validation.', '--permission-mode', 'acceptEdits', '--model', 'sonnet'), {
      cwd: sb.cwd,
      env: sb.env,
      extraEnv: itemEnv('it-1', 'implement', 'Add login'),
    });
    assert.equal(r.code, 0, r.stderr);
    const [first] = r.events;
    assert.equal(first.type, 'system');
    assert.equal(first.subtype, 'init');
    assert.equal(first.cwd, sb.cwd);
    assert.equal(first.permissionMode, 'acceptEdits');
    assert.equal(first.claude_code_version, '2.1.329-simulated');
    for (const key of ['tools', 'mcp_servers', 'model', 'apiKeySource', 'output_style', 'slash_commands', 'agents', 'skills', 'plugins', 'uuid']) {
      assert.ok(key in first, `init has ${key}`);
    }
    const last = r.events.at(-1)!;
    assert.equal(last.type, 'result');
    assert.equal(r.events.filter((e) => e.type === 'result').length, 1);
    assert.equal(last.subtype, 'success');
    assert.equal(last.is_error, false);
    assert.equal(last.api_error_status, null);
    assert.equal(last.terminal_reason, 'completed');
    assert.equal(last.structured_output.status, 'done');
    assert.deepEqual(JSON.parse(last.result), last.structured_output);
    assert.equal(last.total_cost_usd, 0.0123);
    assert.deepEqual(last.permission_denials, []);
    for (const e of r.events) assert.equal(e.session_id, first.session_id);

    // The file really exists, and the Write tool_use names it by absolute path.
    const file = join(sb.cwd, 'overseer-sim', 'it-1.md');
    const content = readFileSync(file, 'utf8');
    assert.match(content, /^# Add login\n/);
    assert.match(content, /Implement the login form with validation\./);
    const [write] = toolUses(r.events, 'Write');
    assert.equal(write.input.file_path, file);
    assert.equal(write.input.content, content);
    const writeResult = r.events.find((e) => e.type === 'user' && e.message.content[0].tool_use_id === write.id);
    assert.ok(writeResult);
    assert.equal(writeResult.tool_use_result.type, 'create');
    assert.equal(writeResult.parent_tool_use_id, null);
    const [structured] = toolUses(r.events, 'StructuredOutput');
    assert.deepEqual(structured.input, last.structured_output);
    const assistantLine = r.events.find((e) => e.type === 'assistant')!;
    for (const key of ['id', 'type', 'role', 'model', 'content', 'stop_reason', 'stop_sequence', 'usage']) {
      assert.ok(key in assistantLine.message, `assistant message has ${key}`);
    }
    assert.equal(assistantLine.message.model, 'claude-sonnet-4-5');

    // Transcript stored under CLAUDE_CONFIG_DIR/projects/<encoded cwd>/<id>.jsonl
    const transcript = join(sb.config, 'projects', sb.cwd.replace(/[^a-zA-Z0-9]/g, '-'), `${first.session_id}.jsonl`);
    assert.ok(existsSync(transcript), transcript);
    const lines = readFileSync(transcript, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Ev);
    assert.equal(lines[0].type, 'user');
    assert.equal(lines[0].message.content, 'Implement the login form with validation.');
  });

  it('fails the first invocation as overloaded (failTimes) and succeeds on the second', () => {
    const sb = sandbox('overloaded');
    sb.writeScenario({ items: { 'it-2': { implement: { failTimes: 1, failWith: 'overloaded' } } } });
    const opts = { cwd: sb.cwd, env: sb.env, extraEnv: { ...itemEnv('it-2', 'implement'), OVERSEER_FAKE_SCENARIO: sb.scenarioPath } };

    const first = run(streamArgs('do it'), opts);
    assert.equal(first.code, 1);
    assert.equal(first.events[0].subtype, 'init');
    const retries = first.events.filter((e) => e.type === 'system' && e.subtype === 'api_retry');
    assert.ok(retries.length > 0);
    assert.equal(retries[0].error_status, 529);
    assert.equal(retries[0].error, 'overloaded');
    const synthetic = first.events.find((e) => e.type === 'assistant')!;
    assert.equal(synthetic.error, 'server_error');
    assert.equal(synthetic.is_api_error_message, true);
    assert.equal(synthetic.message.model, '<synthetic>');
    assert.equal(first.result?.subtype, 'success');
    assert.equal(first.result?.is_error, true);
    assert.equal(first.result?.api_error_status, 529);
    assert.match(first.result?.result, /^API Error: 529 Overloaded\./);
    assert.equal(first.result?.terminal_reason, 'api_error');
    assert.equal(existsSync(join(sb.cwd, 'overseer-sim', 'it-2.md')), false);

    const second = run(streamArgs('do it'), opts);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.result?.is_error, false);
    assert.equal(second.result?.structured_output.status, 'done');
    assert.ok(existsSync(join(sb.cwd, 'overseer-sim', 'it-2.md')));
    assert.equal(readFileSync(`${sb.scenarioPath}.state/it-2.implement.count`, 'utf8'), '2');
  });

  it('simulates auth, rate-limit, network, max-turns and crash failures', () => {
    const sb = sandbox('failures');
    sb.writeScenario({
      items: {
        auth: { '*': { failAlways: 'auth' } },
        rl: { '*': { failAlways: 'rate_limit' } },
        net: { '*': { failAlways: 'network' } },
        turns: { '*': { failAlways: 'max_turns' } },
        crash: { '*': { failAlways: 'crash' } },
      },
    });
    const go = (id: string, ...more: string[]) =>
      run(streamArgs('x', '--fake-scenario', sb.scenarioPath, ...more), { cwd: sb.cwd, env: sb.env, extraEnv: itemEnv(id, 'implement') });

    const auth = go('auth');
    assert.equal(auth.code, 1);
    assert.equal(auth.result?.is_error, true);
    assert.equal(auth.result?.api_error_status, 401);
    assert.equal(auth.result?.result, 'Invalid API key · Fix external API key');
    assert.equal(auth.events.find((e) => e.type === 'assistant')?.error, 'authentication_failed');
    // still failing on the next invocation (failAlways)
    assert.equal(go('auth').code, 1);

    const rl = go('rl');
    assert.equal(rl.code, 1);
    assert.equal(rl.result?.api_error_status, 429);
    assert.match(rl.result?.result, /^API Error: Request rejected \(429\) · /);

    const net = go('net');
    assert.equal(net.code, 1);
    assert.equal(net.result?.api_error_status, null);
    assert.match(net.result?.result, /ECONNREFUSED/);
    assert.equal(net.events.find((e) => e.subtype === 'api_retry')?.error_status, null);

    const turns = go('turns', '--max-turns', '7');
    assert.equal(turns.code, 1);
    assert.equal(turns.result?.subtype, 'error_max_turns');
    assert.equal(turns.result?.is_error, true);
    assert.equal('result' in turns.result!, false);
    assert.deepEqual(turns.result?.errors, ['Reached maximum number of turns (7)']);

    const crash = go('crash');
    assert.equal(crash.code, 2);
    assert.equal(crash.result, undefined);
    assert.equal(crash.events[0].subtype, 'init');
    assert.equal(crash.events.filter((e) => e.type === 'assistant').length, 1);
    assert.match(crash.stderr, /\n\s+at /);
  });

  it('rejects bad invocations like the real CLI (stderr, no JSON, exit 1)', () => {
    const sb = sandbox('cli-errors');
    const opts = { cwd: sb.cwd, env: sb.env, extraEnv: itemEnv('e', 'implement') };

    const noVerbose = run(['-p', 'hi', '--output-format', 'stream-json'], opts);
    assert.equal(noVerbose.code, 1);
    assert.equal(noVerbose.stdout, '');
    assert.match(noVerbose.stderr, /Error: When using --print, --output-format=stream-json requires --verbose/);

    const noPrompt = run(['-p', '--output-format', 'stream-json', '--verbose'], opts);
    assert.equal(noPrompt.code, 1);
    assert.match(noPrompt.stderr, /Error: Input must be provided either through stdin or as a prompt argument when using --print/);

    const badResume = run(streamArgs('answer', '--resume', '0b7c7a1e-64b8-4c5e-9d58-1f0c3c0d9f11'), opts);
    assert.equal(badResume.code, 1);
    // Like 2.1.329 in stream-json mode: one error_during_execution result line besides the stderr message.
    assert.deepEqual(badResume.events.map((e) => [e.type, e.subtype, e.num_turns]), [['result', 'error_during_execution', 0]]);
    assert.match(badResume.stderr, /No conversation found with session ID: 0b7c7a1e-64b8-4c5e-9d58-1f0c3c0d9f11/);

    const badMode = run(streamArgs('x', '--permission-mode', 'bogus'), opts);
    assert.equal(badMode.code, 1);
    assert.match(badMode.stderr, /argument 'bogus' is invalid/);

    const id = 'c4a1f0de-2b47-4f7e-8a43-5e1f9f6a2b10';
    assert.equal(run(streamArgs('x', '--session-id', id), opts).code, 0);
    const inUse = run(streamArgs('x', '--session-id', id), opts);
    assert.equal(inUse.code, 1);
    assert.match(inUse.stderr, new RegExp(`Error: Session ID ${id} is already in use\\.`));
  });

  it('asks its questions in order, and a resumed session keeps its id and records each answer', () => {
    const sb = sandbox('questions');
    sb.writeScenario({
      items: {
        q1: {
          implement: {
            questions: [
              { question: 'Which database?', options: ['SQLite', 'Postgres'], context: 'storage layer' },
              { question: 'Which port?' },
            ],
          },
        },
      },
    });
    const opts = { cwd: sb.cwd, env: sb.env, extraEnv: { ...itemEnv('q1', 'implement'), OVERSEER_FAKE_SCENARIO: sb.scenarioPath } };
    const sid = '5d3c2f6e-9a1b-4c8d-8e7f-0a1b2c3d4e5f';

    const r1 = run(streamArgs('Build the service', '--session-id', sid), opts);
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(r1.result?.session_id, sid);
    assert.deepEqual(r1.result?.structured_output, {
      status: 'question',
      question: 'Which database?',
      options: ['SQLite', 'Postgres'],
      context: 'storage layer',
      summary: r1.result?.structured_output.summary,
    });
    assert.equal(existsSync(join(sb.cwd, 'overseer-sim')), false, 'no work done while asking');

    const r2 = run(streamArgs('Use SQLite', '--resume', sid), opts);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(r2.events[0].session_id, sid);
    assert.equal(r2.result?.session_id, sid);
    assert.equal(r2.result?.structured_output.status, 'question');
    assert.equal(r2.result?.structured_output.question, 'Which port?');
    assert.deepEqual(r2.result?.structured_output.options, []);
    const answers = join(sb.cwd, 'overseer-sim', 'q1.answers.md');
    assert.equal(readFileSync(answers, 'utf8'), 'Use SQLite\n');

    const r3 = run(streamArgs('Port 8080', '--resume', sid), opts);
    assert.equal(r3.code, 0, r3.stderr);
    assert.equal(r3.result?.session_id, sid);
    assert.equal(r3.result?.structured_output.status, 'done');
    assert.equal(readFileSync(answers, 'utf8'), 'Use SQLite\nPort 8080\n');
    assert.ok(existsSync(join(sb.cwd, 'overseer-sim', 'q1.md')));
    assert.ok(Math.abs(r3.result?.total_cost_usd - 3 * 0.0123) < 1e-9, 'cost is cumulative over the session');

    // All three turns appended to a single transcript file.
    const projects = readdirSync(join(sb.config, 'projects'));
    assert.equal(projects.length, 1);
    const projectDir = join(sb.config, 'projects', String(projects[0]));
    assert.deepEqual(readdirSync(projectDir), [`${sid}.jsonl`]);
    const prompts = readFileSync(join(projectDir, `${sid}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Ev)
      .filter((e) => e.type === 'user' && typeof e.message.content === 'string')
      .map((e) => e.message.content as string);
    assert.deepEqual(prompts, ['Build the service', 'Use SQLite', 'Port 8080']);

    // Resume works from another directory too (found by id in any project folder).
    const other = join(sb.root, 'elsewhere');
    mkdirSync(other);
    const r4 = run(streamArgs('again', '--resume', sid), { ...opts, cwd: other });
    assert.equal(r4.code, 0, r4.stderr);
    assert.equal(r4.result?.session_id, sid);
    assert.equal(readdirSync(join(sb.config, 'projects')).length, 1, 'appended to the original project folder');
  });

  it('review follows its verdict sequence (last repeats) and never edits files', () => {
    const sb = sandbox('review');
    sb.writeScenario({ defaults: { review: { verdicts: ['request_changes', 'approve'] } } });
    const go = () =>
      run(streamArgs('Review the diff', '--fake-scenario', sb.scenarioPath), { cwd: sb.cwd, env: sb.env, extraEnv: itemEnv('r1', 'review') });

    const v1 = go();
    assert.equal(v1.code, 0, v1.stderr);
    const rep1 = v1.result?.structured_output;
    assert.equal(rep1.verdict, 'request_changes');
    assert.ok(Array.isArray(rep1.findings) && rep1.findings.length > 0);
    assert.equal(rep1.findings[0].severity, 'major');
    assert.equal(typeof rep1.findings[0].message, 'string');
    assert.equal(typeof rep1.summary, 'string');
    assert.equal(go().result?.structured_output.verdict, 'approve');
    const v3 = go();
    assert.equal(v3.result?.structured_output.verdict, 'approve');
    assert.deepEqual(v3.result?.structured_output.findings, []);
    for (const r of [v1, v3]) assert.equal(toolUses(r.events, 'Write').length, 0);
    assert.deepEqual(readdirSync(sb.cwd), []);
  });

  it('reports the tech-lead, validate and address-review shapes', () => {
    const sb = sandbox('kinds');
    sb.writeScenario({
      items: {
        t1: { 'tech-lead': { decisions: ['reject', 'approve'] } },
        t2: { 'tech-lead': { files: { 'fix.txt': 'fixed by lead\n' } } },
        v1: { validate: { verdicts: ['needs_work'], followUps: [{ title: 'Add docs' }] } },
        a2: { 'address-review': { rebut: 'The finding is wrong: the input is validated upstream.' } },
      },
    });
    const go = (id: string, kind: string) =>
      run(streamArgs('p', '--fake-scenario', sb.scenarioPath), { cwd: sb.cwd, env: sb.env, extraEnv: itemEnv(id, kind) });

    const t1 = go('t1', 'tech-lead').result?.structured_output;
    assert.equal(t1.decision, 'reject');
    assert.ok(t1.reasons.length > 0);
    assert.equal(t1.fixed, false);
    assert.equal(go('t1', 'tech-lead').result?.structured_output.decision, 'approve');
    const t2 = go('t2', 'tech-lead').result?.structured_output;
    assert.equal(t2.decision, 'approve');
    assert.equal(t2.fixed, true);
    assert.equal(readFileSync(join(sb.cwd, 'fix.txt'), 'utf8'), 'fixed by lead\n');

    const v1 = go('v1', 'validate').result?.structured_output;
    assert.deepEqual(v1, { verdict: 'needs_work', followUps: [{ title: 'Add docs' }], summary: v1.summary });
    assert.equal(go('v2', 'validate').result?.structured_output.verdict, 'approved');

    const a1 = go('a1', 'address-review').result?.structured_output;
    assert.equal(a1.status, 'done');
    assert.equal(a1.response, 'fixed');
    const a2run = go('a2', 'address-review');
    assert.deepEqual(a2run.result?.structured_output, {
      status: 'done',
      response: 'rebutted',
      rebuttal: 'The finding is wrong: the input is validated upstream.',
      summary: a2run.result?.structured_output.summary,
    });
    assert.equal(toolUses(a2run.events, 'Write').length, 0);
  });

  it('merges defaults and item behaviour: files, bash commands, report overrides, denied tools', () => {
    const sb = sandbox('behaviour');
    git(sb.cwd, sb.env, 'init', '-q', '-b', 'main');
    sb.writeScenario({
      defaults: { '*': { bash: ['echo hello > hello.txt', 'git add -A && git commit -q -m "sim commit" && echo committed'], costUsd: 0.5 } },
      items: { b1: { implement: { files: { 'src/a.ts': 'export const a = 1;\n' }, report: { extra: 42 } } } },
    });
    const r = run(streamArgs('p', '--fake-scenario', sb.scenarioPath), { cwd: sb.cwd, env: sb.env, extraEnv: itemEnv('b1', 'implement') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(sb.cwd, 'src/a.ts'), 'utf8'), 'export const a = 1;\n');
    assert.equal(existsSync(join(sb.cwd, 'overseer-sim')), false, 'files replace the default file');
    assert.equal(readFileSync(join(sb.cwd, 'hello.txt'), 'utf8'), 'hello\n');
    assert.equal(git(sb.cwd, sb.env, 'log', '-1', '--format=%s'), 'sim commit');
    const bashUses = toolUses(r.events, 'Bash');
    assert.equal(bashUses.length, 2);
    const bashResult = r.events.find((e) => e.type === 'user' && e.message.content[0].tool_use_id === bashUses[1].id)!;
    assert.equal(bashResult.tool_use_result.stdout, 'committed');
    assert.equal(bashResult.tool_use_result.interrupted, false);
    assert.equal(r.result?.structured_output.extra, 42);
    assert.equal(r.result?.structured_output.status, 'done');
    assert.equal(r.result?.total_cost_usd, 0.5);

    // A disallowed Write is denied: permission_denied line, denial recorded, nothing written.
    const denied = run(streamArgs('p', '--disallowedTools', 'Write', 'WebSearch'), {
      cwd: sb.cwd,
      env: sb.env,
      extraEnv: itemEnv('d1', 'implement'),
    });
    assert.equal(denied.code, 0, denied.stderr);
    assert.ok(denied.events.some((e) => e.type === 'system' && e.subtype === 'permission_denied' && e.tool_name === 'Write'));
    assert.equal(denied.result?.permission_denials.length, 1);
    assert.equal(denied.result?.permission_denials[0].tool_name, 'Write');
    assert.equal(existsSync(join(sb.cwd, 'overseer-sim', 'd1.md')), false);
    assert.equal(denied.events[0].tools.includes('Write'), false);
  });

  it('supports --output-format json (single result object, or an array with --verbose)', () => {
    const sb = sandbox('json');
    const opts = { cwd: sb.cwd, env: sb.env, extraEnv: itemEnv('j1', 'implement') };
    const single = run(['-p', 'p', '--output-format', 'json', '--json-schema', SCHEMA], opts);
    assert.equal(single.code, 0, single.stderr);
    const obj = JSON.parse(single.stdout) as Ev;
    assert.equal(obj.type, 'result');
    assert.equal(obj.structured_output.status, 'done');
    const arr = JSON.parse(run(['-p', 'p', '--output-format', 'json', '--verbose'], opts).stdout) as Ev[];
    assert.ok(Array.isArray(arr));
    assert.equal(arr[0].subtype, 'init');
    assert.equal(arr.at(-1)!.type, 'result');
    assert.equal('structured_output' in arr.at(-1)!, false);
  });

  describe('resolve-conflict', () => {
    /** main and feature both edit line 1 of a.txt; feature is checked out. */
    function conflictRepo(name: string) {
      const sb = sandbox(name);
      const g = (...a: string[]) => git(sb.cwd, sb.env, ...a);
      g('init', '-q', '-b', 'main');
      writeFileSync(join(sb.cwd, 'a.txt'), 'base\n');
      writeFileSync(join(sb.cwd, 'b.txt'), 'untouched\n');
      g('add', '-A');
      g('commit', '-q', '-m', 'base');
      g('checkout', '-q', '-b', 'feature');
      writeFileSync(join(sb.cwd, 'a.txt'), 'feature\n');
      g('commit', '-q', '-am', 'feature edit');
      g('checkout', '-q', 'main');
      writeFileSync(join(sb.cwd, 'a.txt'), 'main\n');
      g('commit', '-q', '-am', 'main edit');
      g('checkout', '-q', 'feature');
      return { sb, g };
    }
    const resolveWith = (sb: ReturnType<typeof sandbox>, resolve: unknown) => {
      sb.writeScenario({ items: { c1: { 'resolve-conflict': { resolve } } } });
      return run(streamArgs('Merge main and resolve conflicts', '--fake-scenario', sb.scenarioPath), {
        cwd: sb.cwd,
        env: sb.env,
        extraEnv: itemEnv('c1', 'resolve-conflict'),
      });
    };

    it('merges the target branch, resolves the conflict and commits the merge', () => {
      for (const [resolve, expected] of [
        ['theirs', 'main\n'],
        ['ours', 'feature\n'],
        [{ 'a.txt': 'main and feature\n' }, 'main and feature\n'],
      ] as const) {
        const { sb, g } = conflictRepo('merge');
        const r = resolveWith(sb, resolve);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.result?.structured_output.status, 'done', JSON.stringify(r.result?.structured_output));
        assert.equal(readFileSync(join(sb.cwd, 'a.txt'), 'utf8'), expected);
        assert.equal(g('status', '--porcelain'), '');
        const parents = g('rev-list', '--parents', '-n', '1', 'HEAD').split(' ');
        assert.equal(parents.length, 3, 'HEAD is a merge commit');
        assert.equal(g('rev-parse', 'HEAD^2'), g('rev-parse', 'main'));
        const merges = toolUses(r.events, 'Bash').filter((t) => String(t.input.command).startsWith('git merge --no-edit'));
        assert.equal(merges.length, 1);
      }
    });

    it('gives up with status blocked and aborts the merge when told to fail', () => {
      const { sb, g } = conflictRepo('fail');
      const before = g('rev-parse', 'HEAD');
      const r = resolveWith(sb, 'fail');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.result?.structured_output.status, 'blocked');
      assert.match(r.result?.structured_output.summary, /could not resolve/);
      assert.equal(g('rev-parse', 'HEAD'), before);
      assert.equal(existsSync(join(sb.cwd, '.git', 'MERGE_HEAD')), false);
      assert.equal(readFileSync(join(sb.cwd, 'a.txt'), 'utf8'), 'feature\n');
    });
  });

  it('emits progress during delayMs and exits 143 without a result on SIGTERM', async () => {
    const sb = sandbox('sigterm');
    sb.writeScenario({ defaults: { '*': { delayMs: 10_000 } } });
    const child = spawn(FAKE, streamArgs('slow work', '--fake-scenario', sb.scenarioPath), {
      cwd: sb.cwd,
      env: { ...sb.env, ...itemEnv('s1', 'implement') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let progress = 0;
    let killedAt = 0;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
      child.on('close', (code, signal) => res({ code, signal })),
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      stdout += d;
      progress = parseLines(stdout.slice(0, stdout.lastIndexOf('\n') + 1)).filter(
        (e) => e.type === 'assistant' && /Still working/.test(e.message.content[0].text ?? ''),
      ).length;
      if (progress >= 2 && !killedAt) {
        killedAt = Date.now();
        child.kill('SIGTERM');
      }
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 8000);
    const { code, signal } = await exited;
    clearTimeout(guard);
    assert.ok(killedAt > 0, 'saw progress events before the kill');
    assert.equal(signal, null);
    assert.equal(code, 143);
    assert.ok(Date.now() - killedAt < 2000, 'exited promptly');
    const events = parseLines(stdout);
    assert.equal(events[0].subtype, 'init');
    assert.equal(events.some((e) => e.type === 'result'), false);
    assert.equal(existsSync(join(sb.cwd, 'overseer-sim')), false);
  });
});
