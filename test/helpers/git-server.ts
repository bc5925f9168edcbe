/** A git server for tests: `git daemon --enable=receive-pack --export-all` on loopback serving bare repositories. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './dev-server';
import { makeRepo, sh, tempDir } from './repo';

export interface GitServer {
  /** `git://127.0.0.1:<port>/<name>.git` */
  url(name: string): string;
  /** The bare repository behind `url(name)`. */
  dir(name: string): string;
  stop(): void;
}

export async function startGitServer(names: string[] = ['project'], listen = '127.0.0.1'): Promise<GitServer> {
  const base = tempDir('git-server');
  for (const name of names) {
    const work = makeRepo(`${name}-src`);
    sh(base, 'clone', '-q', '--bare', work, path.join(base, `${name}.git`));
  }
  const port = await freePort();
  const execPath = execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim();
  const daemon: ChildProcess = spawn(
    path.join(execPath, 'git-daemon'),
    ['--export-all', '--enable=receive-pack', `--base-path=${base}`, `--listen=${listen}`, `--port=${port}`, '--reuseaddr', base],
    { stdio: 'ignore' },
  );
  const url = (name: string) => `git://${listen}:${port}/${name}.git`;
  for (let i = 0; ; i++) {
    try {
      execFileSync('git', ['ls-remote', url(names[0])], { stdio: 'ignore' });
      break;
    } catch {
      if (i > 100) throw new Error(`git daemon did not answer at ${url(names[0])}`);
      await sleep(100);
    }
  }
  return { url, dir: (name) => path.join(base, `${name}.git`), stop: () => daemon.kill('SIGTERM') };
}
