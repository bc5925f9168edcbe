/**
 * Merge commits written straight into the object store (issue 15: fewer git processes per merge). A loose object
 * is `zlib("commit <size>\0<content>")` at `objects/<2 hex>/<38 hex>` named by the SHA-1 of what is compressed,
 * the format git itself writes; this writes exactly the commit `git commit-tree <tree> -p <a> -p <b> -m <message>`
 * writes (Overseer's identity, UTC). Only for SHA-1 repositories; others (and any failure) use `commit-tree`.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { git, OVERSEER_IDENTITY } from './git-repo';

const sha1Repos = new Map<string, Promise<boolean>>();
function isSha1(top: string): Promise<boolean> {
  let known = sha1Repos.get(top);
  if (!known) {
    known = git(top).raw(['rev-parse', '--show-object-format']).then((f) => f === 'sha1', () => false);
    sha1Repos.set(top, known);
  }
  return known;
}

/** The commit's content as git serializes it (the message ends with exactly one newline). */
export function commitContent(tree: string, parents: string[], message: string, unixSeconds: number): string {
  const who = `Overseer <overseer@localhost> ${unixSeconds} +0000`;
  return `tree ${tree}\n${parents.map((p) => `parent ${p}\n`).join('')}author ${who}\ncommitter ${who}\n\n${message.trimEnd()}\n`;
}

async function writeLoose(objectsDir: string, content: string): Promise<string> {
  const body = Buffer.from(content, 'utf8');
  const raw = Buffer.concat([Buffer.from(`commit ${body.length}\0`), body]);
  const id = createHash('sha1').update(raw).digest('hex');
  const file = path.join(objectsDir, id.slice(0, 2), id.slice(2));
  if (existsSync(file)) return id;
  await mkdir(path.dirname(file), { recursive: true });
  // Written aside, then linked into place: a reader never sees half an object.
  const tmp = path.join(objectsDir, id.slice(0, 2), `tmp_obj_overseer_${process.pid}_${id.slice(2, 10)}`);
  await writeFile(tmp, deflateSync(raw), { mode: 0o444 });
  await link(tmp, file).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  await rm(tmp, { force: true });
  return id;
}

/** `git commit-tree`, without a process where the repository allows it. */
export async function commitTree(top: string, commonDir: string, tree: string, parents: string[], message: string): Promise<string> {
  if (await isSha1(top)) {
    try {
      return await writeLoose(path.join(commonDir, 'objects'), commitContent(tree, parents, message, Math.floor(Date.now() / 1000)));
    } catch {
      /* fall back to git */
    }
  }
  return git(top).raw([...OVERSEER_IDENTITY, 'commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-m', message.trimEnd()]);
}
