/**
 * The stock Web UI's "Current Details" (issue 16), set when what they show changed — never from a query handler.
 * `setCurrentDetails` is workflow state, not a command: it changes nothing in the history.
 */
import { setCurrentDetails } from '@temporalio/workflow';
import { epicDetails, itemDetails } from '../common/ui-details';
import { totalCost } from '../common/epic-dispatch';
import type { ItemStatus } from '../common/status';
import type { EpicContext } from './epic-context';

let shown = '';

function show(markdown: string): void {
  if (markdown === shown) return;
  shown = markdown;
  setCurrentDetails(markdown);
}

export function showEpicDetails(ctx: EpicContext): void {
  show(epicDetails(ctx.plan.title, ctx.phase, ctx.items, ctx.statuses, totalCost(ctx.items, ctx.statuses)));
}

export function showItemDetails(status: ItemStatus): void {
  show(itemDetails(status));
}
