#!/usr/bin/env node
// The test runner: node's own (node:test) through tsx. Tiers:
//   default  unit, workflow, e2e and browser tests (real Temporal dev server, real git, simulated agent; the
//            browser tests drive Debian's chromium through playwright-core)
//   claude   the real Claude Code CLI against a scripted Messages API on 127.0.0.1
// Extra arguments are test files or folders to run instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const tierIdx = args.indexOf('--tier');
const tier = tierIdx >= 0 ? args.splice(tierIdx, 2)[1] : 'default';
const dirs = { default: ['test/unit', 'test/workflow', 'test/e2e', 'test/browser'], claude: ['test/claude'] }[tier];
if (!dirs) {
  console.error(`unknown tier ${tier}`);
  process.exit(2);
}

function collect(target) {
  if (!existsSync(target)) return [];
  if (statSync(target).isFile()) return [target];
  return readdirSync(target)
    .sort()
    .flatMap((name) => collect(path.join(target, name)))
    .filter((f) => f.endsWith('.test.ts'));
}

const files = (args.length ? args : dirs).flatMap(collect);
if (!files.length) {
  console.error(`no test files in ${(args.length ? args : dirs).join(', ')}`);
  process.exit(1);
}
// Two test files at a time: they mostly wait on the dev server, git and timers, so two overlap well on two cores
// (OVERSEER_TEST_CONCURRENCY=1 runs them one by one).
const concurrency = process.env.OVERSEER_TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-timeout=600000', `--test-concurrency=${concurrency}`, ...files],
  { stdio: 'inherit', env: { ...process.env, OVERSEER_TEST: '1' } },
);
process.exit(result.status ?? 1);
