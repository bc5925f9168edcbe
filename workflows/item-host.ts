/**
 * An item of a plan on a git remote (issue 12) runs on a worker host: a claim on the shared agents' queue (taken
 * by a host with a free session slot) names the host's own queue, and everything bound to the worktree (prepare,
 * sessions, commits, gates, cleanup) goes there. Each commit is pushed (`overseer/<epic>/<item>`). When the host
 * is gone (its task not started in time, its session silent), the item claims another host, which rebuilds the
 * worktree from the pushed branch, and the same call runs again there; a session whose conversation stayed on the
 * dead host starts anew, told what the branch already holds. The phases (item-*.ts) do not know: `ctx.core`,
 * `ctx.gates` and `ctx.agent` are pinned to the host here.
 */
import { ActivityFailure, CancellationScope, patched, TimeoutFailure } from '@temporalio/workflow';
import type { HostClaim } from '../common/hosts';
import type { AgentRunInput, AgentRunResult } from '../activities/agent/runner';
import type { GateRunInput } from '../activities/checks';
import type { RemoteWorktreeInput } from '../activities/remote-worktrees';
import { claimActivities, freeHostActivities, hostActivities, type HostProxies } from './host-options';
export type { ItemHost } from './item-types';
import { note, passState, setState, type ItemContext } from './item-context';
import { CLAIMING_DETAIL } from '../common/status';

export const isRemote = (ctx: ItemContext) => Boolean(ctx.input.repo.url);

/** A host-bound activity failed because the host is gone: nobody started it in time, or it stopped heartbeating. */
export function hostLost(err: unknown): boolean {
  if (!(err instanceof ActivityFailure) || !(err.cause instanceof TimeoutFailure)) return false;
  return ['SCHEDULE_TO_START', 'SCHEDULE_TO_CLOSE', 'HEARTBEAT'].includes(err.cause.timeoutType ?? '');
}

export function remoteInput(ctx: ItemContext): RemoteWorktreeInput {
  return { url: ctx.input.repo.url!, epicId: ctx.epicId, itemId: ctx.item.id, targetBranch: ctx.targetBranch };
}

/**
 * Claims a host (waiting for a free slot), or takes the one given, and makes the item's worktree there (rebuilt
 * from the pushed branch).
 */
async function claimAndPrepare(ctx: ItemContext, given?: HostClaim): Promise<void> {
  const host = ctx.host!;
  for (;;) {
    host.claim = given ?? (await claimActivities(ctx.settings).claimHost({ epicId: ctx.epicId, itemId: ctx.item.id }));
    given = undefined;
    host.proxies = hostActivities(ctx.settings, host.claim.taskQueue);
    try {
      const wt = await host.proxies.git.prepareRemoteWorktree(remoteInput(ctx));
      host.clone = wt.clone;
      ctx.repoPath = wt.clone;
      ctx.worktree = wt.worktreePath;
      ctx.branch = wt.branch;
      Object.assign(ctx.status, { host: host.claim.host, branch: wt.branch, worktree: wt.worktreePath });
      note(ctx, `on host ${host.claim.host}: ${wt.fromPushedBranch ? `worktree rebuilt from the pushed ${wt.branch} at ${wt.baseCommit.slice(0, 10)}` : `new worktree on ${wt.branch}`}`);
      return;
    } catch (err) {
      if (!hostLost(err)) throw err;
      lose(ctx, host.claim.host);
    }
  }
}

function lose(ctx: ItemContext, name: string): void {
  ctx.host!.lost.push(name);
  ctx.status.lostHosts = [...ctx.host!.lost];
  note(ctx, `host ${name} is gone; the item moves to another host (from what its branch holds on the remote)`);
}

/** Runs `call` on the item's host; when the host is gone, on another (the worktree rebuilt from the pushed branch). */
async function onHost<T>(ctx: ItemContext, call: (p: HostProxies) => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call(ctx.host!.proxies!);
    } catch (err) {
      if (!hostLost(err)) throw err;
      lose(ctx, ctx.host!.claim!.host);
      await setState(ctx, ctx.status.state, `host ${ctx.host!.lost.at(-1)} is gone; moving to another host`);
      await claimAndPrepare(ctx);
    }
  }
}

/** A session told to continue what a session on a dead host began (its conversation is not reachable). */
export const TAKEOVER_PROMPT =
  'This item was being worked on by a session on another machine that stopped, and its conversation is gone. ' +
  'The worktree holds the item branch as it was last pushed (see `git log`); check what is already done there, ' +
  'then carry on with the task and finish it.';

/** The session's input on the current host; `retried`: the same call again after its host was lost. */
function sessionInput(ctx: ItemContext, input: AgentRunInput, retried: boolean): AgentRunInput {
  const host = ctx.host!.claim!.host;
  const moved = input.resumeSessionId !== undefined && ctx.host!.sessionHosts.get(input.resumeSessionId) !== host;
  const tell = (moved || retried) && input.kind !== 'review';
  return {
    ...input,
    cwd: ctx.worktree,
    repoPath: ctx.repoPath,
    ...(moved && { resumeSessionId: undefined }),
    instructions: tell ? [TAKEOVER_PROMPT, input.instructions].filter(Boolean).join('\n\n') : input.instructions,
  };
}

/** `ctx.core`, `ctx.gates` and `ctx.agent` for an item on a host: worktree-bound calls go to the host's queue. */
function pin(ctx: ItemContext): void {
  const shared = { core: ctx.core, gates: ctx.gates, agent: ctx.agent };
  const host = ctx.host!;
  const core = {
    commitWorktree: (i: { message: string; ensureAheadOf?: string }) =>
      onHost(ctx, (p) => p.git.commitAndPush({ worktreePath: ctx.worktree, clone: host.clone, branch: ctx.branch, message: i.message, ensureAheadOf: i.ensureAheadOf })),
    // Cleanup is best effort: a dead host's leftovers are its own (the branch on the remote is what counts).
    removeWorktree: () => host.proxies!.git.removeRemoteWorktree(remoteInput(ctx)).catch((err) => note(ctx, `worktree on ${host.claim!.host} not removed: ${String(err)}`)),
  };
  const runGates = (i: GateRunInput) => {
    const repoPath = ctx.repoPath;
    return onHost(ctx, (p) => p.gates.runGates({ ...i, cwd: ctx.worktree, logPath: i.logPath.replace(repoPath, ctx.repoPath) }));
  };
  const runAgent = (opts: { summary?: string }, [input]: [AgentRunInput]) => {
    let tries = 0;
    return onHost(ctx, async (p): Promise<AgentRunResult> => {
      const res = await p.agent.runAgent.executeWithOptions(opts, [sessionInput(ctx, input, tries++ > 0)]);
      host.sessionHosts.set(res.sessionId, host.claim!.host);
      return res;
    });
  };
  ctx.core = override(shared.core, core);
  ctx.gates = override(shared.gates, { runGates });
  ctx.agent = override(shared.agent, { runAgent: Object.assign((i: AgentRunInput) => runAgent({}, [i]), { executeWithOptions: runAgent }) });
}

function override<T extends object>(target: T, with_: Record<string, unknown>): T {
  return new Proxy(target, { get: (t, k) => (typeof k === 'string' && k in with_ ? with_[k] : Reflect.get(t, k)) });
}

/** The item's host and worktree, for a plan on a remote; every later worktree-bound call is pinned to it. */
export async function bindHost(ctx: ItemContext): Promise<void> {
  ctx.host = { url: ctx.input.repo.url!, clone: '', sessionHosts: new Map(), lost: [] };
  await passState(ctx, 'running', CLAIMING_DETAIL);
  await claimAndPrepare(ctx);
  pin(ctx);
}

type SlotRace = { kind: 'here' } | { kind: 'lost'; err: unknown } | { kind: 'moved'; claim: HostClaim };

/**
 * An item claimed by a host whose sessions were all busy (one prepares while they run) waits there for a session
 * slot, unless a host with a free one answers on the free hosts' queue first: then it moves there (nothing was done
 * yet; the worktree on the busy host is removed), so no host stands idle while an item waits on another, as at an
 * epic's end. The slot won is kept for the first session. Since 'move-prefetched'.
 */
export async function firstSessionSlot(ctx: ItemContext): Promise<void> {
  const host = ctx.host!;
  if (!host.claim?.prefetched || !patched('move-prefetched')) return;
  const from = host.claim.host;
  await setState(ctx, 'running', `waiting for a session slot on ${from}`);
  const here = new CancellationScope();
  const elsewhere = new CancellationScope();
  const waiting = here.run(() => host.proxies!.slot.awaitSessionSlot(remoteInput(ctx)));
  const moving = elsewhere.run(() => freeHostActivities().claimFreeHost({ epicId: ctx.epicId, itemId: ctx.item.id }));
  const first: SlotRace = await Promise.race([
    waiting.then((): SlotRace => ({ kind: 'here' }), (err): SlotRace => ({ kind: 'lost', err })),
    moving.then((claim): SlotRace => ({ kind: 'moved', claim }), () => new Promise<SlotRace>(() => undefined)), // a failed move: stay
  ]);
  if (first.kind !== 'moved' || first.claim.host === from) {
    elsewhere.cancel();
    moving.catch(() => undefined);
    if (first.kind === 'moved') return void (await waiting); // this host has the free slot itself
    if (first.kind === 'here') return;
    if (!hostLost(first.err)) throw first.err;
    lose(ctx, from);
    await claimAndPrepare(ctx);
    return firstSessionSlot(ctx);
  }
  here.cancel();
  waiting.catch(() => undefined); // ends by itself once the busy host no longer holds the item
  const left = host.proxies!.git.removeRemoteWorktree(remoteInput(ctx)).catch((err) => note(ctx, `worktree on ${from} not removed: ${String(err)}`));
  await claimAndPrepare(ctx, first.claim);
  await left;
  note(ctx, `moved from host ${from} (its sessions busy) to ${ctx.host!.claim!.host}, which had a free session slot`);
}

/** The host's clone fetched again (the target as the remote has it now, e.g. before resolving a conflict with it). */
export async function refreshFromRemote(ctx: ItemContext): Promise<void> {
  await onHost(ctx, (p) => p.git.prepareRemoteWorktree(remoteInput(ctx)));
}
