/** `overseer status <epic> [item] [--watch] [--json]`. */
import { existsSync, readFileSync } from 'node:fs';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { itemStatusQuery } from '../../common/api';
import { itemWorkflowId } from '../../common/ids';
import type { EpicStatus, ItemStatus } from '../../common/status';
import { withClient } from '../connection';
import { epicStatus, findEpic, startStatusQuery } from '../epic-handle';
import { formatStatus } from '../format';
import { formatItemView, type ItemView } from '../format-item';
import { formatInbox, inboxOf } from '../inbox';
import { transcriptTotals } from '../transcript';
import { UserError } from '../errors';
import { watchEpic } from '../watch';

/**
 * Follows an epic to its end, or until it waits for a person; then prints the table and that epic's inbox in full.
 * On a terminal, open questions are offered for an answer right there, and the watch goes on once one is given.
 */
export async function followEpic(client: Client, epicId: string, intervalMs = 1000): Promise<number> {
  // Loaded here only: simple-git and the merge queue's client would slow down every plain `status`.
  const [{ epicInbox }, { leftoverBranchesNote }] = await Promise.all([import('./inbox'), import('../leftovers')]);
  for (;;) {
    const outcome = await watchEpic(client, epicId, (l) => console.log(l), intervalMs);
    console.log(formatStatus(outcome.status));
    const inbox = await epicInbox(client, outcome.status);
    if (inbox.length) {
      console.log('');
      console.log(`epic ${epicId} waits for you:`);
      console.log(formatInbox(inbox));
    }
    const questions = inbox.filter((e) => e.kind === 'question');
    if (outcome.waitsForHuman && questions.length && process.stdin.isTTY && process.stdout.isTTY) {
      if (await (await import('../ask-here')).answerHere(client, outcome.status)) continue;
    }
    const leftovers = await leftoverBranchesNote(outcome.status);
    if (leftovers) console.log(leftovers);
    return outcome.exitCode;
  }
}

/** The item's own status (with its history lines) from the item workflow; the epic's copy when that is gone. */
async function itemStatus(client: Client, epic: EpicStatus, itemId: string): Promise<{ status: ItemStatus; host?: string }> {
  const fromEpic = epic.items.find((i) => i.itemId === itemId);
  if (!fromEpic) throw new UserError(`epic ${epic.epicId} has no item ${itemId} (its items: ${epic.items.map((i) => i.itemId).join(', ')})`);
  const handle = client.workflow.getHandle(itemWorkflowId(epic.epicId, itemId));
  try {
    const described = handle.describe().catch(() => undefined);
    const own = await handle.query(itemStatusQuery);
    const d = await described;
    const host = d?.raw.pendingActivities?.map((a) => a.lastWorkerIdentity).find(Boolean) ?? undefined;
    return { status: { ...fromEpic, ...own, mergeCommit: own.mergeCommit ?? fromEpic.mergeCommit }, host };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || fromEpic.state === 'pending' || fromEpic.state === 'done') return { status: fromEpic };
    return { status: fromEpic };
  }
}

function readTotals(transcripts: string[] | undefined) {
  const here = (transcripts ?? []).filter((t) => existsSync(t));
  return here.length ? transcriptTotals(here.map((t) => readFileSync(t, 'utf8')).join('\n')) : undefined;
}

/**
 * `overseer status <id>`: a program's when the id names one, else the epic's. What it needs is asked at once, on one
 * connection: the program, the epic's describe, its status query (the worker's answer is most of the wait) and the
 * deployment's current build; the builds line reuses the epic's describe.
 */
export async function statusCommand(epicId: string, itemId: string | undefined, opts: { json?: boolean; watch?: boolean }): Promise<void> {
  await withClient(async ({ client }) => {
    const table = !itemId && !opts.json;
    const query = opts.watch && !itemId ? undefined : startStatusQuery(client, epicId);
    const current = table ? import('../../workers/deployment').then((d) => d.currentBuildId(client, client.options.namespace)) : undefined;
    // Loaded while the server answers, not after.
    const [builds, leftovers] = table ? [import('../builds'), import('../leftovers')] : [];
    const [programEpics, epic] = await Promise.all([
      itemId ? undefined : import('../program/status').then((p) => p.programEpics(client, epicId)),
      findEpic(client, epicId).then((ref) => ({ ref }), (err: unknown) => ({ err })),
    ]);
    if (programEpics) return void (await (await import('../program/commands')).showProgram(client, epicId, opts, programEpics));
    if ('err' in epic) throw epic.err;
    const { ref } = epic;
    if (opts.watch && !itemId) {
      if (ref.execution !== 'RUNNING') console.log(`epic ${epicId} has ended (${ref.execution.toLowerCase()}); its last state:`);
      else return void (process.exitCode = await followEpic(client, epicId));
    }
    const status = await epicStatus(ref, query);
    if (!itemId && opts.json) return console.log(JSON.stringify(status, null, 2));
    if (!itemId) {
      const [buildLines, note] = await Promise.all([
        builds!.then((b) => b.formatBuilds(client, client.options.namespace, status, { epicBuild: b.buildOfDescription(ref.description), current })),
        ref.execution === 'RUNNING' ? undefined : leftovers!.then((l) => l.leftoverBranchesNote(status)),
      ]);
      console.log(formatStatus(status));
      console.log(buildLines);
      return void (note && console.log(note));
    }
    const { status: item, host } = await itemStatus(client, status, itemId);
    const view: ItemView = {
      epicId,
      status: item,
      host,
      totals: readTotals(item.transcripts),
      nextCommands: inboxOf({ ...status, items: [item] }).flatMap((e) => e.commands),
    };
    if (item.transcripts?.length) view.nextCommands.push(`overseer logs ${epicId} ${itemId}`);
    if (item.branch || item.mergeCommit) view.nextCommands.push(`overseer diff ${epicId} ${itemId}`);
    view.nextCommands = [...new Set(view.nextCommands)];
    console.log(opts.json ? JSON.stringify({ ...item, host, transcriptTotals: view.totals }, null, 2) : formatItemView(view));
  });
}
