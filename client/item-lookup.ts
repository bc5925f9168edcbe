/** One item of an epic, as `logs` and `diff` need it: its own status (from the item workflow) and the epic's. */
import { itemStatusQuery } from '../common/api';
import { itemWorkflowId } from '../common/ids';
import type { Client } from '@temporalio/client';
import type { EpicStatus, ItemStatus } from '../common/status';
import { epicStatus, findEpic } from './epic-handle';
import { UserError } from './errors';

export async function lookupItem(client: Client, epicId: string, itemId: string): Promise<{ epic: EpicStatus; item: ItemStatus }> {
  const epic = await epicStatus(await findEpic(client, epicId));
  const fromEpic = epic.items.find((i) => i.itemId === itemId);
  if (!fromEpic) throw new UserError(`epic ${epicId} has no item ${itemId} (its items: ${epic.items.map((i) => i.itemId).join(', ')})`);
  const own = await client.workflow
    .getHandle(itemWorkflowId(epicId, itemId))
    .query(itemStatusQuery)
    .catch(() => undefined);
  return { epic, item: own ? { ...fromEpic, ...own, mergeCommit: own.mergeCommit ?? fromEpic.mergeCommit } : fromEpic };
}
