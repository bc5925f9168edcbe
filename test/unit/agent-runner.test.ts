/**
 * The agent runner against the simulated CLI, in an activity context without a server (issue 11 points 6, 8, 9):
 * a prompt far over argv's 128 KiB reaches the CLI (on stdin); the session's environment has no Temporal
 * credentials; a recorded pid that now belongs to another process is left alone; E2BIG is a clear, final error.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { createAgentRunner, type AgentCheckpoint, type AgentRunInput, type AgentRunResult } from '../../activities/agent/runner';
import { isAlive, processIdentity } from '../../activities/agent/process-group';
import { DEFAULT_SETTINGS, type AgentSettings } from '../../common/plan';
import { fakeAgent, type Scenario } from '../helpers/agent';
import { makeRepo } from '../helpers/repo';

const TEMPORAL_API_KEY = `temporal-${randomUUID()}`;

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? filesUnder(path.join(dir, n)) : [path.join(dir, n)]));
  } catch {
    return [];
  }
}

function setup(scenario: Scenario, agent: Partial<AgentSettings> = {}, description = 'Write a file.') {
  const repo = makeRepo('runner');
  const fake = fakeAgent(scenario);
  const input: AgentRunInput = {
    epicId: 'e',
    item: { id: 'i1', title: 'One', description, acceptance: [], dependsOn: [], files: [] },
    kind: 'implement',
    cwd: repo,
    repoPath: repo,
    targetBranch: 'main',
    agent: { ...DEFAULT_SETTINGS.agent, command: fake.command, allowedTools: ['Bash'], ...agent },
  };
  const runner = createAgentRunner({ env: { CLAUDE_CONFIG_DIR: fake.configDir }, killGraceMs: 500 });
  const run = (heartbeatDetails?: AgentCheckpoint): Promise<AgentRunResult> => new MockActivityEnvironment({ heartbeatDetails } as never).run(runner.runAgent, input);
  return { repo, fake, run };
}

describe('agent runner', () => {
  before(() => {
    process.env.TEMPORAL_API_KEY = TEMPORAL_API_KEY;
  });
  after(() => {
    delete process.env.TEMPORAL_API_KEY;
  });

  it('a prompt of 300 KiB reaches the CLI whole', async () => {
    const marker = `end-of-prompt-${randomUUID()}`;
    const { fake, run } = setup({}, {}, `${'Lots of detail. '.repeat(20_000)}${marker}`);
    const result = await run();
    assert.equal((result.report as { status?: string }).status, 'done');
    const sessionFiles = filesUnder(fake.configDir).filter((f) => f.endsWith('.jsonl'));
    assert.ok(sessionFiles.some((f) => readFileSync(f, 'utf8').includes(marker)), 'the end of the prompt is in the session');
  });

  it("the session's environment has no Temporal credentials; settings.agent.env passes a named secret", async () => {
    process.env.OVERSEER_TEST_GH_TOKEN = 'gh-secret-value';
    try {
      const { repo, run } = setup({ defaults: { implement: { bash: ['env > session-env.txt'] } } }, { env: ['OVERSEER_TEST_GH_TOKEN'] });
      await run();
      const env = readFileSync(path.join(repo, 'session-env.txt'), 'utf8');
      assert.doesNotMatch(env, /^TEMPORAL_API_KEY=/m);
      assert.ok(!env.includes(TEMPORAL_API_KEY));
      assert.match(env, /^OVERSEER_TEST_GH_TOKEN=gh-secret-value$/m);
      assert.match(env, /^OVERSEER_ITEM_ID=i1$/m);
      assert.match(env, /^PATH=/m);
    } finally {
      delete process.env.OVERSEER_TEST_GH_TOKEN;
    }
  });

  it('a restarted attempt leaves a reused pid alone (another process, another start time and command line)', async () => {
    const stranger = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    try {
      const { run } = setup({});
      const previous: AgentCheckpoint = {
        sessionId: randomUUID(),
        started: true,
        host: hostname(),
        pid: stranger.pid,
        process: { startTime: '1', cmdline: 'deadbeef:42' },
        turns: 1,
        transcriptPath: path.join(makeRepo('t'), 'old.jsonl'),
      };
      const result = await run(previous);
      assert.equal((result.report as { status?: string }).status, 'done');
      assert.ok(isAlive(stranger.pid!), 'the unrelated process survived');
      const legacy = await run({ ...previous, process: undefined });
      assert.equal((legacy.report as { status?: string }).status, 'done');
      assert.ok(isAlive(stranger.pid!), 'a checkpoint without an identity proves nothing: the process survived');
    } finally {
      stranger.kill('SIGKILL');
    }
  });

  it('a restarted attempt stops the agent it recorded (same start time and command line)', async () => {
    const leftover = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    try {
      const identity = processIdentity(leftover.pid!);
      assert.ok(identity, 'this system has /proc');
      const { run } = setup({});
      const previous: AgentCheckpoint = { sessionId: randomUUID(), started: true, host: hostname(), pid: leftover.pid, process: identity, turns: 1, transcriptPath: path.join(makeRepo('t'), 'old.jsonl') };
      await run(previous);
      const exited = await new Promise((r) => (leftover.exitCode !== null || leftover.signalCode ? r(true) : leftover.once('exit', () => r(true))));
      assert.ok(exited);
    } finally {
      leftover.kill('SIGKILL');
    }
  });

  it('arguments over the system limit (E2BIG) fail at once with a message that says so, not "install Claude Code"', async () => {
    const { run } = setup({}, { allowedTools: [`Bash(${'x'.repeat(300 * 1024)})`] });
    await assert.rejects(run(), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure, String(err));
      assert.equal(err.nonRetryable, true);
      assert.equal(err.type, 'AgentInvocationError');
      assert.match(err.message, /E2BIG/);
      assert.doesNotMatch(err.message, /Install Claude Code/);
      return true;
    });
  });
});
