/**
 * The merge queue on a git remote (issue 12): a host merges on a mirror of the remote's branches (a bare clone
 * whose `refs/heads/*` follow the remote exactly, next to its cache clone), with the same stacking, trailers and
 * merge gates as locally (merge-stack.ts), and publishes with the compare-and-swap push (remote-git.ts
 * publishMerge): `--force-with-lease` on the tip it merged onto, the merged item branches deleted in the same atomic
 * push. A refused push (someone pushed meanwhile) fetches, merges again on the new tip and retries; nobody's
 * commit is overwritten. Idempotent: a branch merged before answers with its merge commit (by its trailer).
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { fnv1a, safeComponent } from '../common/ids';
import type { GateFailure, MergeRequest, StackInput, StackResult } from '../common/merge';
import { parseDuration } from '../common/durations';
import { runCommands } from './checks';
import { git } from './git-repo';
import { gateCommand } from './merge-gates';
import { addScratch, buildStack, dropMarkedMerges, memoryStacker, refTips, removeScratch } from './merge-stack';
import { publishMerge, remoteKey } from './remote-git';
import { findItemMerge, findMergedItems } from './worktrees';

const MAX_CAS_RETRIES = 5;

export function mirrorPath(workdir: string, url: string): string {
  return path.join(workdir, 'cache', `${remoteKey(url)}.mirror.git`);
}

/** One sync at a time per mirror in this process (the probes of a bisection run in parallel). */
const syncing = new Map<string, Promise<unknown>>();

/** The mirror of `url` with the remote's branches as they are now (made once; fetched with --prune each time). */
export async function syncMirror(workdir: string, url: string): Promise<string> {
  const dir = mirrorPath(workdir, url);
  const run = async () => {
    if (!existsSync(dir)) {
      await mkdir(path.dirname(dir), { recursive: true });
      const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
      await git(path.dirname(dir)).raw(['clone', '--quiet', '--bare', '--', url, tmp]);
      await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
        await rm(tmp, { recursive: true, force: true });
        if (!existsSync(dir)) throw err;
      });
    }
    await git(dir).raw(['fetch', '--quiet', '--prune', '--force', 'origin', '+refs/heads/*:refs/heads/*']);
    return dir;
  };
  const next = (syncing.get(dir) ?? Promise.resolve()).catch(() => undefined).then(run);
  syncing.set(dir, next);
  return next;
}

/** The item's merge commit on the remote's target (by its trailer), if it was merged before. */
export async function findRemoteItemMerge(workdir: string, input: { url: string; targetBranch: string; epicId: string; itemId: string }): Promise<string | undefined> {
  const mirror = await syncMirror(workdir, input.url);
  return findItemMerge({ repoPath: mirror, targetBranch: input.targetBranch, epicId: input.epicId, itemId: input.itemId });
}

export async function findRemoteMergedItems(workdir: string, input: { url: string; targetBranch: string; epicId: string }): Promise<Record<string, string>> {
  const mirror = await syncMirror(workdir, input.url);
  return findMergedItems({ repoPath: mirror, targetBranch: input.targetBranch, epicId: input.epicId });
}

async function runRemoteGates(workdir: string, mirror: string, scratch: string, head: MergeRequest, top: string, ids: string[]): Promise<GateFailure | undefined> {
  await addScratch(mirror, mirror, scratch, top);
  const logPath = path.join(workdir, 'logs', safeComponent(head.epicId), safeComponent(head.itemId), `merge-gates-${fnv1a(ids.join(','))}.log`);
  const timeoutMs = parseDuration(head.gateTimeout);
  const commands = head.mergeGates.map((c) => gateCommand(c, timeoutMs));
  const gates = await runCommands({ cwd: scratch, commands, timeoutMs: timeoutMs + 10_000, logPath });
  if (gates.passed) return undefined;
  const gate = head.mergeGates[commands.indexOf(gates.command)] ?? gates.command;
  const timedOut = gates.exitCode === 124 ? `\n(${gate}: timed out after gateTimeout ${head.gateTimeout})` : '';
  return { gate, outputTail: `${gates.outputTail}${timedOut}`, logPath };
}

/** One round on the remote's tip as fetched now: stack, gate, publish by compare-and-swap. */
async function remoteRound(workdir: string, mirror: string, input: StackInput, scratch: string): Promise<StackResult | 'moved'> {
  const [head] = input.requests;
  const target = `refs/heads/${head.targetBranch}`;
  const tips = await refTips(mirror, [target, ...input.requests.map((r) => `refs/heads/${r.branch}`)]);
  const base = tips.get(target);
  if (!base) throw ApplicationFailure.nonRetryable(`target branch "${head.targetBranch}" does not exist on ${head.url}`, 'BranchNotFound');
  const build = await buildStack({ top: mirror, commonDir: mirror }, base, input.requests, memoryStacker(mirror, mirror), tips);
  await dropMarkedMerges(mirror, base, build);
  const result: StackResult = { base, outcomes: build.outcomes, stacked: build.stacked.map((s) => s.req.requestId), stack: { status: 'none' } };
  if (!build.stacked.length) return result;
  if (head.mergeGates.length && input.knownGood?.tip !== base) {
    const failure = input.knownFailure?.tip === base ? input.knownFailure.failure : await runRemoteGates(workdir, mirror, scratch, head, build.top, result.stacked);
    if (failure) return { ...result, stack: { status: 'gate_failed', ...failure } };
  }
  if (input.publish === false) return { ...result, stack: { status: 'passed', tip: build.top } };
  const published = await publishMerge({ clone: mirror, targetBranch: head.targetBranch, onto: base, newTip: build.top, deleteBranches: build.stacked.map((s) => s.req.branch) });
  if (!published.published) return 'moved';
  for (const s of build.stacked) result.outcomes.push({ requestId: s.req.requestId, outcome: { status: 'merged', commit: s.commit, alreadyMerged: false } });
  return { ...result, stack: { status: 'merged', tip: build.top } };
}

/** `mergeStack` for requests on a remote (`url`), on this host's mirror of it. */
export async function mergeRemoteStack(workdir: string, input: StackInput): Promise<StackResult> {
  const [head] = input.requests;
  if (!head?.url) throw ApplicationFailure.nonRetryable('mergeRemoteStack needs requests on a remote (url)', 'BadMergeRequest');
  const scratch = path.join(workdir, 'merge', `m-${fnv1a(input.requests.map((r) => r.requestId).join(','))}`);
  let mirror = '';
  try {
    for (let round = 0; round < MAX_CAS_RETRIES; round++) {
      mirror = await syncMirror(workdir, head.url);
      const result = await remoteRound(workdir, mirror, input, scratch);
      if (result !== 'moved') return result;
    }
  } finally {
    if (mirror) await removeScratch(mirror, mirror, scratch);
  }
  throw ApplicationFailure.retryable(`target branch ${head.targetBranch} on ${head.url} kept moving during the merge`, 'TargetMoved');
}
