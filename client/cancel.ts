/** Cancelling a whole epic: its children are cancelled, their agent processes stopped, worktrees removed. */
import type { Client } from '@temporalio/client';
import { epicWorkflowId } from '../common/ids';

export async function cancelEpic(client: Client, epicId: string, opts: { keepWorktrees: boolean }): Promise<void> {
  const handle = client.workflow.getHandle(epicWorkflowId(epicId));
  if (opts.keepWorktrees) await handle.signal('cancelOptions', { keepWorktrees: true });
  await handle.cancel();
}
