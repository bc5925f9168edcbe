/** `overseer logs <epic> <item> [--session <n|kind>] [--follow] [--raw]`: an item's agent sessions for a person. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { isTerminal } from '../../common/status';
import { withClient } from '../connection';
import { UserError } from '../errors';
import { lookupItem } from '../item-lookup';
import { renderEvent } from '../transcript';

interface LogsOptions {
  session?: string;
  follow?: boolean;
  raw?: boolean;
}

/** Which transcripts: all, the n-th (1-based), or the last one of a kind (implement, review, fix...). */
export function pickTranscripts(all: string[], session: string | undefined): string[] {
  if (session === undefined) return all;
  if (/^\d+$/.test(session)) {
    const t = all[Number(session) - 1];
    if (!t) throw new UserError(`there is no session ${session}: the item has ${all.length} (1 to ${all.length})`);
    return [t];
  }
  const ofKind = all.filter((t) => path.basename(t).startsWith(`${session}-`));
  const kinds = [...new Set(all.map((t) => path.basename(t).replace(/-[^-]+(-[^-]+){4}\.jsonl$/, '')))];
  if (!ofKind.length) throw new UserError(`no ${session} session (the item's sessions are: ${kinds.join(', ') || 'none'})`);
  return ofKind;
}

function render(text: string, raw: boolean): string[] {
  return raw ? text.split('\n').filter(Boolean) : text.split('\n').flatMap(renderEvent);
}

function printFile(file: string, raw: boolean, from = 0): number {
  const text = readFileSync(file, 'utf8');
  const complete = text.lastIndexOf('\n') + 1; // a line being written is printed when it is complete
  for (const l of render(text.slice(from, complete), raw)) console.log(l);
  return Math.max(from, complete);
}

async function follow(client: Client, epicId: string, itemId: string, opts: LogsOptions, printed: Map<string, number>): Promise<void> {
  for (;;) {
    const { item } = await lookupItem(client, epicId, itemId);
    for (const t of pickTranscripts(item.transcripts ?? [], opts.session)) {
      if (!existsSync(t)) continue;
      if (!printed.has(t)) console.log(`=== ${path.basename(t)} (${t})`);
      printed.set(t, printFile(t, Boolean(opts.raw), printed.get(t) ?? 0));
    }
    if (isTerminal(item.state) || item.state === 'awaiting_answer') {
      console.log(`--- item ${itemId} is ${item.state}${item.state === 'awaiting_answer' ? ' (`overseer inbox`)' : ''}; stopped following`);
      return;
    }
    await sleep(500);
  }
}

export async function logsCommand(epicId: string, itemId: string, opts: LogsOptions): Promise<void> {
  await withClient(async ({ client }) => {
    const { item } = await lookupItem(client, epicId, itemId);
    const all = item.transcripts ?? [];
    if (!all.length && !opts.follow) return console.log(`item ${itemId} of epic ${epicId} has no agent session yet (it is ${item.state})`);
    const chosen = all.length ? pickTranscripts(all, opts.session) : [];
    const printed = new Map<string, number>();
    for (const t of chosen) {
      if (!existsSync(t)) {
        console.log(`=== ${path.basename(t)}: not on this machine (${t}); it is on the worker that ran the session`);
        continue;
      }
      console.log(`=== ${path.basename(t)} (${t})`);
      printed.set(t, printFile(t, Boolean(opts.raw)));
    }
    if (opts.follow) await follow(client, epicId, itemId, opts, printed);
  });
}
