/**
 * The real Claude Code CLI for the `test:claude` tier: the pinned version, installed outside package.json by
 * scripts/install-claude-cli.sh (run here when the binary is missing, so `npm run test:claude` works alone).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessagesServer } from './messages-server';
import { tempDir } from '../helpers/repo';

export const PINNED_CLAUDE_VERSION = '2.1.329';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let cached: string | undefined;

/** Absolute path of the pinned platform binary (installs it on first use). */
export function claudeBinary(): string {
  if (cached) return cached;
  const out = execFileSync('bash', [path.join(ROOT, 'scripts', 'install-claude-cli.sh')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CLAUDE_CLI_VERSION: PINNED_CLAUDE_VERSION },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cached = out.trim().split('\n').at(-1)!;
  return cached;
}

/**
 * The environment a worker gives every session so the real CLI talks to the scripted server: a fake key, the
 * server's URL, few API retries of its own (so 429/529 runs stay short) and a config dir of this worker's own.
 */
export function claudeEnv(server: MessagesServer, opts: { configDir?: string; maxRetries?: number } = {}): Record<string, string> {
  const configDir = opts.configDir ?? path.join(tempDir('claude-config'), 'claude');
  mkdirSync(configDir, { recursive: true });
  return {
    // A developer's own credentials or cloud provider must not send the CLI elsewhere (empty counts as unset).
    ANTHROPIC_AUTH_TOKEN: '',
    CLAUDE_CODE_OAUTH_TOKEN: '',
    CLAUDE_CODE_USE_BEDROCK: '',
    CLAUDE_CODE_USE_VERTEX: '',
    CLAUDE_CODE_USE_FOUNDRY: '',
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: 'sk-ant-test-not-a-real-key',
    CLAUDE_CONFIG_DIR: configDir,
    CLAUDE_CODE_MAX_RETRIES: String(opts.maxRetries ?? 1),
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
  };
}
