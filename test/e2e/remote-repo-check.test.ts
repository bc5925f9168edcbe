/**
 * `repo.url` plans are checked with `git ls-remote` before anything starts (issue 12): a real `git daemon` on
 * loopback serving a bare repository, a closed port, and an HTTP server that refuses authentication. Every bad
 * input names the URL (and the branch when the branch is the culprit). No Temporal server: nothing may start.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadPlan } from '../../client/importers/index';
import { checkRepository } from '../../client/preflight';
import { PlanError } from '../../common/plan-schema';
import { makeRepo, sh, tempDir } from '../helpers/repo';

async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function waitForDaemon(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('git', ['ls-remote', url], { stdio: 'ignore' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`git daemon did not answer at ${url}`);
}

function writePlan(extra: string): string {
  const file = path.join(tempDir('remote-plan'), 'plan.yaml');
  writeFileSync(file, `epicId: remote1\ntitle: On a remote\n${extra}items:\n  - id: a\n    title: A\n`);
  return file;
}

async function problemOf(file: string, opts: { repoUrl?: string; repo?: string } = {}): Promise<string> {
  try {
    await checkRepository(await loadPlan(file, opts));
  } catch (err) {
    assert.ok(err instanceof PlanError, `expected a PlanError, got ${err}`);
    return err.problems.join('\n');
  }
  assert.fail('the plan was accepted');
}

describe('repo.url: checked with git ls-remote before the epic starts', () => {
  let daemon: ChildProcess;
  let http: Server;
  let gitUrl = '';
  let httpUrl = '';

  before(async () => {
    const base = tempDir('git-server');
    const work = makeRepo('remote-src');
    sh(work, 'branch', 'release');
    sh(base, 'clone', '-q', '--bare', work, path.join(base, 'project.git'));
    const port = await freePort();
    const execPath = execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim();
    daemon = spawn(path.join(execPath, 'git-daemon'), ['--export-all', '--enable=receive-pack', `--base-path=${base}`, '--listen=127.0.0.1', `--port=${port}`, '--reuseaddr', base], { stdio: 'ignore' });
    gitUrl = `git://127.0.0.1:${port}/project.git`;
    await waitForDaemon(gitUrl);
    http = createServer((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
      res.end('unauthorized');
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/project.git`;
  });

  after(async () => {
    daemon?.kill('SIGTERM');
    await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
  });

  it('accepts a reachable remote with its target branch, in the plan and from --repo-url', async () => {
    const plan = await loadPlan(writePlan(`repo:\n  url: ${gitUrl}\n  targetBranch: release\n`));
    assert.deepEqual(plan.repo, { path: '', url: gitUrl, targetBranch: 'release' });
    await checkRepository(plan);
    const fromFlag = await loadPlan(writePlan(''), { repoUrl: gitUrl });
    assert.deepEqual(fromFlag.repo, { path: '', url: gitUrl, targetBranch: 'main' });
    await checkRepository(fromFlag);
  });

  it('an unknown target branch names the branch, the URL and the branches there', async () => {
    const msg = await problemOf(writePlan(`repo:\n  url: ${gitUrl}\n  targetBranch: trunk\n`));
    assert.equal(msg, `repo.targetBranch: branch "trunk" does not exist on ${gitUrl} (branches: main, release)`);
  });

  it('an unreachable URL names the URL', async () => {
    const closed = `git://127.0.0.1:${await freePort()}/project.git`;
    const msg = await problemOf(writePlan(''), { repoUrl: closed });
    assert.match(msg, new RegExp(`^repo\\.url: cannot reach ${closed.replace(/\./g, '\\.')} \\(.*(refused|unable to connect).*\\)$`, 'i'));
    const missing = await problemOf(writePlan(''), { repoUrl: `${gitUrl.replace('project', 'nothing')}` });
    assert.match(missing, /^repo\.url: cannot reach git:\/\/127\.0\.0\.1:\d+\/nothing\.git \(.*not exported.*\)$/);
    const noRepo = await problemOf(writePlan('repo:\n  url: file:///nonexistent/x.git\n'));
    assert.equal(noRepo, "repo.url: cannot reach file:///nonexistent/x.git ('/nonexistent/x.git' does not appear to be a git repository)");
  });

  it('refused authentication says so and where credentials come from', async () => {
    const msg = await problemOf(writePlan(''), { repoUrl: httpUrl });
    assert.match(msg, new RegExp(`^repo\\.url: ${httpUrl.replace(/\./g, '\\.')} refused authentication \\(.+\\); git uses this machine's own credentials`));
  });

  it('a password in the URL, path and url together, --repo with --repo-url: refused before git runs', async () => {
    const secret = await problemOf(writePlan(''), { repoUrl: 'https://bob:hunter22@example.invalid/x.git' });
    assert.match(secret, /^repo\.url: https:\/\/bob:\*\*\*@example\.invalid\/x\.git carries a password/);
    assert.ok(!secret.includes('hunter22'));
    assert.equal(await problemOf(writePlan(`repo:\n  url: ${gitUrl}\n  path: .\n`)), 'repo: give either repo.path (a local repository) or repo.url (a git remote), not both');
    assert.equal(await problemOf(writePlan(''), { repoUrl: gitUrl, repo: '.' }), 'give either --repo (a local repository) or --repo-url (a git remote), not both');
  });
});
