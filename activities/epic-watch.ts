/**
 * A program's later runs (after it continued as new) no longer hold its epics as children, so they cannot await
 * them: this activity waits for an epic's end through the client instead (following the epic's own runs), and
 * answers how the epic ended. It runs heartbeating (`alive` in index.ts), so it stops when the program is
 * cancelled, or when the run that started it has closed (it continued as new again): the SDK then cancels it with
 * `NOT_FOUND`, and `cancelled` rejects.
 */
import { Context } from '@temporalio/activity';
import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { epicWorkflowId } from '../common/ids';
import type { EpicPhase, EpicResult } from '../common/status';

/** How an epic ended: its result's phase, or `failed` / `cancelled` when it closed without one, `lost` when gone. */
export type EpicEnd = EpicPhase | 'lost';

export function createEpicWatchActivities(client: Client) {
  return {
    async awaitEpicEnd(input: { epicId: string }): Promise<EpicEnd> {
      const ctx = Context.current();
      try {
        // The long poll for the result stops with the activity (else a later run's watch would leave one behind).
        const handle = client.workflow.getHandle(epicWorkflowId(input.epicId));
        const result = client.withAbortSignal(ctx.cancellationSignal, () => handle.result() as Promise<EpicResult>);
        return (await Promise.race([result, ctx.cancelled])).phase;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'lost';
        if (err instanceof WorkflowFailedError) return err.cause instanceof CancelledFailure ? 'cancelled' : 'failed';
        throw err; // this activity's own cancellation, or the server unreachable (retried)
      }
    },
  };
}
