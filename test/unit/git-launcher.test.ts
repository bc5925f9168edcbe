/**
 * Git through a launcher process answers exactly as git started by node does: the same output (NULs and trailing
 * newlines kept), the same exit codes and messages, arguments with any character but NUL, a missing directory
 * reported as git not starting, many commands at once, and the environment git sees when it changes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { runThroughLauncher, useGitLauncher } from '../../activities/git-launcher';
import { git, gitEnvironment as env, GitCommandError } from '../../activities/git-repo';
import { makeRepo, sh, tempDir } from '../helpers/repo';

async function both(dir: string, args: string[]) {
  const launched = await runThroughLauncher(dir, args, env());
  const direct = await execa('git', args, { cwd: dir, env: env(), extendEnv: false, stdin: 'ignore', reject: false, stripFinalNewline: false });
  assert.ok(launched, 'the launcher ran the command');
  return { launched, direct };
}

describe('git launcher', () => {
  useGitLauncher(true); // whatever OVERSEER_GIT_LAUNCHER says
  it('gives the same stdout, stderr and exit code as git started directly', async () => {
    const repo = makeRepo('launcher-same');
    writeFileSync(path.join(repo, 'odd name\nwith "quotes" $HOME.txt'), 'x\n');
    for (const args of [
      ['status', '--porcelain=v1', '-z', '--untracked-files=all'],
      ['log', '--format=%H%n%s%n', '-n', '2'],
      ['rev-parse', '--verify', 'no-such-branch'],
      ['ls-files', '--others', '-z', '--', ':(literal)odd name\nwith "quotes" $HOME.txt'],
      ['no-such-command'],
    ]) {
      const { launched, direct } = await both(repo, args);
      assert.equal(launched.exitCode, direct.exitCode, args.join(' '));
      assert.equal(launched.stdout, direct.stdout, args.join(' '));
      assert.equal(launched.stderr, direct.stderr, args.join(' '));
    }
  });

  it('reports a missing directory as git not starting, and exit codes through git()', async () => {
    const missing = path.join(tempDir('launcher-missing'), 'gone');
    await assert.rejects(git(missing).raw(['status']), /git could not be started/);
    const repo = makeRepo('launcher-codes');
    await assert.rejects(git(repo).raw(['merge-base', '--is-ancestor', 'main', 'no-such']), (err) => err instanceof GitCommandError && err.exitCode === 128 && /no-such/.test(err.message));
    assert.equal(await git(repo).raw(['rev-parse', '--abbrev-ref', 'HEAD']), 'main');
  });

  it('runs many commands at once, each answered with its own output', async () => {
    const repo = makeRepo('launcher-many');
    for (let k = 0; k < 12; k++) sh(repo, 'branch', `b${k}`);
    const names = await Promise.all(Array.from({ length: 12 }, (_, k) => git(repo).raw(['rev-parse', '--symbolic-full-name', `b${k}`])));
    assert.deepEqual(names, Array.from({ length: 12 }, (_, k) => `refs/heads/b${k}`));
  });

  it('starts afresh when the environment changes', async () => {
    const repo = makeRepo('launcher-env');
    const printMark = ['-c', 'alias.mark=!printenv OVERSEER_TEST_MARK', 'mark'];
    const first = await runThroughLauncher(repo, printMark, { ...env(), OVERSEER_TEST_MARK: 'first' });
    const second = await runThroughLauncher(repo, printMark, { ...env(), OVERSEER_TEST_MARK: 'second' });
    assert.equal(first?.stdout, 'first\n');
    assert.equal(second?.stdout, 'second\n');
  });

  it("is not changed by the environment's shell settings, which still reach git", async () => {
    const repo = makeRepo('launcher-shell-env');
    const rc = path.join(tempDir('launcher-bash-env'), 'rc.sh');
    writeFileSync(rc, 'git() { echo hijacked; }\n');
    const hostile = { ...env(), BASH_ENV: rc, 'BASH_FUNC_git%%': '() { echo hijacked; }' };
    const head = await runThroughLauncher(repo, ['rev-parse', '--abbrev-ref', 'HEAD'], hostile);
    assert.equal(head?.stdout, 'main\n');
    const seen = await runThroughLauncher(repo, ['-c', 'alias.bashenv=!printenv BASH_ENV', 'bashenv'], hostile);
    assert.equal(seen?.stdout, `${rc}\n`);
  });

  it('a launcher that dies mid-command fails that command once, without running it again', async () => {
    const repo = makeRepo('launcher-dies');
    const runs = path.join(tempDir('launcher-dies-log'), 'runs');
    // The alias notes that it ran, then kills the launcher (its parent git's parent).
    const die = ['-c', `alias.die=!echo ran >> '${runs}'; kill -9 $(ps -o ppid= -p $PPID)`, 'die'];
    await assert.rejects(git(repo).raw(die), /git could not be started: git launcher exited/);
    assert.equal(readFileSync(runs, 'utf8'), 'ran\n');
    assert.equal(await git(repo).raw(['rev-parse', '--abbrev-ref', 'HEAD']), 'main', 'the next command gets a new launcher');
  });
});
