/**
 * Gates and sessions get an explicit environment (issue 11 point 6): never Temporal's connection and credential
 * variables, no secret-looking ones unless the plan names them, and gate output redacted before it reaches history.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCommands } from '../../activities/checks';
import { gateEnvironment, sessionEnvironment } from '../../activities/environment';
import { isSecretVariable, redactSecrets } from '../../common/redact';
import { tempDir } from '../helpers/repo';

const SECRETS = {
  TEMPORAL_API_KEY: `temporal-${randomUUID()}`,
  OVERSEER_TEST_DEPLOY_TOKEN: `deploy-${randomUUID()}`,
  AWS_SECRET_ACCESS_KEY: `aws-${randomUUID()}`,
};

describe('gate environment and redaction', () => {
  before(() => Object.assign(process.env, SECRETS));
  after(() => {
    for (const name of Object.keys(SECRETS)) delete process.env[name];
  });

  it('a gate that prints `env`: no secret value appears anywhere in the result or the log, and Temporal variables are not passed', async () => {
    const dir = tempDir('gate-env');
    const logPath = path.join(dir, 'gates.log');
    const result = await runCommands({ cwd: dir, commands: ['env; echo "again: $OVERSEER_TEST_DEPLOY_TOKEN"; exit 1'], timeoutMs: 30_000, logPath });
    assert.equal(result.passed, false);
    const returned = JSON.stringify(result);
    const log = readFileSync(logPath, 'utf8');
    for (const value of Object.values(SECRETS)) {
      assert.ok(!returned.includes(value), 'a secret value is in the returned result');
      assert.ok(!log.includes(value), 'a secret value is in the log');
    }
    assert.doesNotMatch(log, /^TEMPORAL_API_KEY=/m);
    assert.doesNotMatch(log, /^OVERSEER_TEST_DEPLOY_TOKEN=/m);
    assert.match(log, /^PATH=/m);
    assert.match(log, /^OVERSEER_GATE=1$/m);
  });

  it('settings.env passes a named secret to the gate; its value is still redacted from the output', async () => {
    const dir = tempDir('gate-env');
    const result = await runCommands({
      cwd: dir,
      commands: ['test -n "$OVERSEER_TEST_DEPLOY_TOKEN" && echo "token: $OVERSEER_TEST_DEPLOY_TOKEN" && exit 3'],
      timeoutMs: 30_000,
      logPath: path.join(dir, 'gates.log'),
      env: ['OVERSEER_TEST_DEPLOY_TOKEN'],
    });
    assert.ok(!result.passed && result.exitCode === 3, 'the gate saw the variable');
    assert.ok(!result.passed && result.outputTail.includes('token: [redacted:OVERSEER_TEST_DEPLOY_TOKEN]'));
  });
});

describe('environment rules', () => {
  const base = {
    PATH: '/bin',
    HOME: '/home/u',
    TEMPORAL_ADDRESS: 'host:7233',
    TEMPORAL_API_KEY: 'k',
    TEMPORAL_TLS_CLIENT_KEY_PATH: '/k.pem',
    GITHUB_TOKEN: 'g',
    NPM_TOKEN: 'n',
    DB_PASSWORD: 'p',
    AWS_ACCESS_KEY_ID: 'a',
    GOOGLE_APPLICATION_CREDENTIALS: '/g.json',
    ANTHROPIC_API_KEY: 'sk',
    CLAUDE_CODE_OAUTH_TOKEN: 'o',
    ANTHROPIC_BASE_URL: 'http://gw',
    CLAUDE_CONFIG_DIR: '/c',
    SSH_AUTH_SOCK: '/s',
  };

  it('gates: the worker environment minus Temporal and secret-looking variables, plus settings.env', () => {
    assert.deepEqual(Object.keys(gateEnvironment([], base)).sort(), ['ANTHROPIC_BASE_URL', 'CLAUDE_CONFIG_DIR', 'HOME', 'PATH', 'SSH_AUTH_SOCK']);
    assert.equal(gateEnvironment(['NPM_TOKEN', 'TEMPORAL_API_KEY'], base).NPM_TOKEN, 'n');
    assert.equal(gateEnvironment(['NPM_TOKEN', 'TEMPORAL_API_KEY'], base).TEMPORAL_API_KEY, undefined, 'Temporal variables are never passed');
  });

  it('sessions keep what Claude Code needs, and add settings.env and settings.agent.env', () => {
    const env = sessionEnvironment(['NPM_TOKEN'], ['GITHUB_TOKEN'], base);
    for (const name of ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'CLAUDE_CONFIG_DIR', 'NPM_TOKEN', 'GITHUB_TOKEN', 'PATH']) assert.ok(name in env, name);
    for (const name of ['TEMPORAL_ADDRESS', 'TEMPORAL_API_KEY', 'TEMPORAL_TLS_CLIENT_KEY_PATH', 'DB_PASSWORD', 'AWS_ACCESS_KEY_ID', 'GOOGLE_APPLICATION_CREDENTIALS']) assert.ok(!(name in env), name);
    assert.ok('AWS_ACCESS_KEY_ID' in sessionEnvironment([], [], { ...base, CLAUDE_CODE_USE_BEDROCK: '1' }), 'Bedrock sessions keep AWS credentials');
  });

  it('secret-looking names', () => {
    for (const n of ['GITHUB_TOKEN', 'MY_SECRET', 'ANTHROPIC_API_KEY', 'DB_PASSWORD', 'PGPASSWORD', 'AWS_REGION', 'AZURE_CLIENT_ID', 'GOOGLE_APPLICATION_CREDENTIALS', 'TEMPORAL_TLS_CLIENT_KEY_DATA']) assert.ok(isSecretVariable(n), n);
    for (const n of ['PATH', 'HOME', 'KEYBOARD_LAYOUT', 'SSH_AUTH_SOCK', 'MONKEY', 'TOKENIZER_THREADS']) assert.ok(!isSecretVariable(n), n);
  });

  it('redactSecrets replaces every value of a secret variable, longest first, and leaves short values alone', () => {
    const env = { A_TOKEN: 'abcdef123', B_TOKEN: 'abcdef123456', SHORT_KEY: '1', PATH: '/usr/bin:/bin' };
    assert.equal(redactSecrets('x abcdef123456 y abcdef123 z 1 /usr/bin:/bin', env), 'x [redacted:B_TOKEN] y [redacted:A_TOKEN] z 1 /usr/bin:/bin');
  });
});
