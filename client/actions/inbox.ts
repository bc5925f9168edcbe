/** `overseer inbox [--json]`: everything waiting for a person across all running epics. */
import type { Client } from '@temporalio/client';
import { epicStatusQuery } from '../../common/api';
import type { EpicStatus } from '../../common/status';
import { withClient } from '../connection';
import { formatInbox, heldMergeEntry, inboxOf, type InboxEntry } from '../inbox';
import { queueStatus } from './queue';

/** Merges the repository's queue holds for this epic (dirty checkout, ...), with the queue's reason. */
async function heldMerges(client: Client, st: EpicStatus): Promise<InboxEntry[]> {
  try {
    const q = await queueStatus(client, st.repoPath);
    const cur = q?.status.current;
    if (!cur?.note || cur.request.epicId !== st.epicId) return [];
    const e = heldMergeEntry(st.epicId, { itemId: cur.request.itemId, note: cur.note, since: cur.since });
    return [{ ...e, commands: [`overseer queue ${st.repoPath}`] }];
  } catch {
    return [];
  }
}

export async function epicInbox(client: Client, st: EpicStatus): Promise<InboxEntry[]> {
  return [...inboxOf(st), ...(await heldMerges(client, st))];
}

export async function collectInbox(client: Client): Promise<{ entries: InboxEntry[]; unreachable: string[] }> {
  const entries: InboxEntry[] = [];
  const unreachable: string[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'epicWorkflow' AND ExecutionStatus = 'Running'` })) {
    let st: EpicStatus;
    try {
      st = await client.workflow.getHandle(wf.workflowId).query(epicStatusQuery);
    } catch {
      unreachable.push(wf.workflowId);
      continue;
    }
    entries.push(...(await epicInbox(client, st)));
  }
  return { entries: entries.sort((a, b) => (a.since ?? 0) - (b.since ?? 0)), unreachable };
}

export async function inboxCommand(opts: { json?: boolean }): Promise<void> {
  await withClient(async ({ client }) => {
    const { entries, unreachable } = await collectInbox(client);
    if (opts.json) return console.log(JSON.stringify({ entries, unreachable }, null, 2));
    console.log(formatInbox(entries));
    if (unreachable.length) console.log(`(no worker answered for ${unreachable.join(', ')}: \`overseer doctor\`)`);
  });
}
