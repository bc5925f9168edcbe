/** A person's decisions on an epic: retry, skip, approve an item; pause, resume, cancel. Each checks first, then signals. */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { approveSignal, cancelItemSignal, epicStatusQuery, pauseSignal, resumeSignal, retryItemSignal, skipItemSignal } from '../../common/api';
import { isTerminal, type EpicStatus, type ItemState } from '../../common/status';
import { withClient } from '../connection';
import { epicStatus, requireRunningEpic, type EpicRef } from '../epic-handle';
import { UserError } from '../errors';
import { cancelEpic } from '../cancel';
import { personName } from '../person';
import { leftoverBranchesNote } from '../leftovers';

export type Decision = 'retry' | 'skip' | 'cancel' | 'approve';

/** The item states each decision applies to (the epic ignores the others; the CLI says so instead). */
const DECIDABLE: Record<Decision, { ok: (s: ItemState) => boolean; why: string }> = {
  retry: { ok: (s) => s === 'failed' || s === 'cancelled', why: 'only failed or cancelled items can be retried' },
  skip: { ok: (s) => !['merged', 'done', 'skipped'].includes(s), why: 'it is already finished' },
  cancel: { ok: (s) => !['merged', 'done', 'skipped', 'cancelled'].includes(s), why: 'it is already finished' },
  approve: { ok: (s) => !isTerminal(s), why: 'only an item still on its way to the merge can be approved' },
};

/** The running epic and its status; a missing or ended epic says so. */
async function openRunning(client: Client, epicId: string): Promise<{ ref: EpicRef; status?: EpicStatus }> {
  const ref = await requireRunningEpic(client, epicId);
  // No worker to answer the query: the signal still gets through, and the epic checks it.
  const status = await epicStatus(ref).catch(() => undefined);
  return { ref, status };
}

function checkDecision(status: EpicStatus | undefined, itemId: string, decision: Decision): void {
  if (!status) return;
  const item = status.items.find((i) => i.itemId === itemId);
  if (!item) throw new UserError(`epic ${status.epicId} has no item ${itemId} (its items: ${status.items.map((i) => i.itemId).join(', ')})`);
  if (!DECIDABLE[decision].ok(item.state)) throw new UserError(`cannot ${decision} ${itemId}: it is ${item.state}, and ${DECIDABLE[decision].why}`);
}

/** The same check for a caller that holds an epic's handle (the dashboard): a missing epic or item says so. */
export async function checkDecisionFor(handle: import('@temporalio/client').WorkflowHandle, epicId: string, itemId: string, decision: Decision): Promise<void> {
  let status: EpicStatus;
  try {
    status = await handle.query(epicStatusQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new UserError(`there is no epic ${epicId} (no workflow epic/${epicId})`);
    return; // no worker to answer queries: the signal still gets through, and the epic checks it
  }
  checkDecision(status, itemId, decision);
}

export async function decideCommand(decision: Exclude<Decision, 'cancel'>, epicId: string, itemId: string, opts: { reason?: string; by?: string }): Promise<void> {
  await withClient(async ({ client }) => {
    const { ref, status } = await openRunning(client, epicId);
    checkDecision(status, itemId, decision);
    if (decision === 'retry') await ref.handle.signal(retryItemSignal, { itemId });
    if (decision === 'skip') await ref.handle.signal(skipItemSignal, { itemId, reason: opts.reason });
    if (decision === 'approve') await ref.handle.signal(approveSignal, { itemId, approvedBy: opts.by ?? personName() });
    const said = { retry: `retry of ${itemId} requested on epic ${epicId}`, skip: `${itemId} skipped on epic ${epicId}`, approve: `${itemId} approved for merge on epic ${epicId}` };
    console.log(said[decision]);
  });
}

export async function pauseCommand(epicId: string, pause: boolean): Promise<void> {
  await withClient(async ({ client }) => {
    const { ref, status } = await openRunning(client, epicId);
    if (status && pause && status.phase === 'paused') return console.log(`epic ${epicId} is already paused (\`overseer resume ${epicId}\` starts items again)`);
    if (status && !pause && status.phase !== 'paused') return console.log(`epic ${epicId} is already going: it is ${status.phase}, not paused`);
    await ref.handle.signal(pause ? pauseSignal : resumeSignal);
    console.log(pause ? `epic ${epicId} paused: no new item starts; running ones go on` : `epic ${epicId} resumed`);
  });
}

export async function cancelCommand(epicId: string, itemId: string | undefined, opts: { keepWorktrees?: boolean }): Promise<void> {
  await withClient(async ({ client }) => {
    const { ref, status } = await openRunning(client, epicId);
    if (itemId) {
      checkDecision(status, itemId, 'cancel');
      await ref.handle.signal(cancelItemSignal, { itemId });
      return console.log(`${itemId} cancelled on epic ${epicId}`);
    }
    await cancelEpic(client, epicId, { keepWorktrees: Boolean(opts.keepWorktrees) });
    console.log(`cancelling epic ${epicId}: every agent session stops${opts.keepWorktrees ? '; worktrees are kept' : ' and worktrees are removed'}`);
    const closed = await Promise.race([ref.handle.result().then(() => true, () => true), sleep(30_000).then(() => false)]);
    console.log(closed ? `epic ${epicId} cancelled` : `epic ${epicId} is still stopping its items; \`overseer status ${epicId}\` shows when it is done`);
    const note = status && closed ? await leftoverBranchesNote({ ...status, phase: 'cancelled' }) : undefined;
    if (note) console.log(note);
  });
}
