/**
 * The dispatch loop: start every ready item (up to `maxParallel`), then wait for a change (an item's report or
 * outcome, a human's command), until every item is finished and none failed.
 */
import { condition } from '@temporalio/workflow';
import { epicBudgetSpent } from '../common/budget';
import { blockingChanges, humanAttentionKey, itemsToStart, liveCount, progress, totalCost, waitingPhase } from '../common/epic-dispatch';
import { crossEpicHolds } from '../common/program';
import { pushBudgets } from './epic-budget';
import { startItem } from './epic-children';
import { crossEpicReady, reportMerges } from './epic-program';
import { continueAsNewNow, epicHistoryFull } from './epic-continue-as-new';
import { newRunDue } from './versioning';
import { recordItemStates } from './metrics';
import { showEpicDetails } from './ui';
import { budgetHold, updateSearchAttributes, type EpicContext } from './epic-context';

export async function dispatchUntilDone(ctx: EpicContext): Promise<void> {
  for (;;) {
    Object.assign(ctx.statuses, blockingChanges(ctx.items, ctx.statuses, crossEpicHolds(ctx.items, ctx.program)));
    if (!ctx.paused && !epicBudgetSpent(ctx.budget, totalCost(ctx.items, ctx.statuses))) {
      // In dispatch order, while fewer than `maxParallel` run (each start counts at once).
      for (const it of crossEpicReady(ctx, itemsToStart(ctx.items, ctx.critical, ctx.statuses, ctx.settings.phaseBarriers))) {
        if (Object.hasOwn(ctx.closing, it.id)) continue; // retried before its cancelled run closed
        if (liveCount(ctx.items, ctx.statuses) >= ctx.settings.maxParallel) break;
        await startItem(ctx, it);
      }
    }
    await pushBudgets(ctx);
    await reportMerges(ctx);
    const p = progress(ctx.items, ctx.statuses);
    recordItemStates(ctx.epicId, ctx.items, ctx.statuses);
    if (p.done) return;
    ctx.phase = waitingPhase(ctx.paused, p, liveCount(ctx.items, ctx.statuses));
    const held = budgetHold(ctx);
    if (held && ctx.phase === 'running') ctx.phase = 'awaiting_human';
    const human = humanAttentionKey(ctx.items, ctx.statuses, ctx.settings.approval) + (held ? '|budget' : '');
    if (ctx.phase !== ctx.shown.phase || human !== ctx.shown.human) {
      updateSearchAttributes(ctx);
      ctx.shown = { phase: ctx.phase, human };
    }
    showEpicDetails(ctx);
    ctx.dirty = false;
    await condition(() => ctx.dirty);
    if (newRunDue() || epicHistoryFull()) await continueAsNewNow(ctx);
  }
}

