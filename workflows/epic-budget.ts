/**
 * The epic's budget (settings.budget): the epic knows what every item spent, tells each live item what remains
 * (a `budget` signal, sent only when it changes), starts no new item once it is spent, and takes raises through
 * the validated `setBudget` update (`overseer budget <epicId> --add|--set`).
 */
import { ApplicationFailure, log } from '@temporalio/workflow';
import { setHandler } from './handlers';
import { budgetQuery, itemBudgetSignal, setBudgetUpdate, type BudgetRaise, type ItemBudget } from '../common/api';
import { applyBudgetChange, epicRemaining, hasBudget } from '../common/budget';
import { isLive, totalCost } from '../common/epic-dispatch';
import type { BudgetView } from '../common/status';
import { describe } from './messages';
import { childHandle, known, type EpicContext } from './epic-context';

export function budgetView(ctx: EpicContext): BudgetView {
  const { budget } = ctx;
  const spentUsd = totalCost(ctx.items, ctx.statuses);
  const remainingUsd = epicRemaining(budget, spentUsd);
  return {
    ...(budget.epicUsd !== undefined && { epicUsd: budget.epicUsd }),
    ...(budget.itemUsd !== undefined && { itemUsd: budget.itemUsd }),
    ...(Object.keys(budget.items).length && { items: { ...budget.items } }),
    spentUsd,
    ...(remainingUsd !== undefined && { remainingUsd }),
  };
}

/** What one item may spend now, or undefined when the plan sets no budget. */
export function itemBudgetFor(ctx: EpicContext, itemId: string): ItemBudget | undefined {
  if (!hasBudget(ctx.budget)) return undefined;
  const itemUsd = ctx.budget.items[itemId] ?? ctx.budget.itemUsd;
  const { epicUsd } = ctx.budget;
  return { ...(epicUsd !== undefined && { epicUsd, epicSpentUsd: totalCost(ctx.items, ctx.statuses) }), ...(itemUsd !== undefined && { itemUsd }) };
}

/** Why a raise cannot be taken (the update's validator throws it, so the client sees the message). */
function raiseRejection(ctx: EpicContext, r: BudgetRaise): string | undefined {
  if (!r || typeof r !== 'object') return 'a raise needs {"add": <usd>} or {"set": <usd>} (and "itemId" for one item)';
  if (r.itemId !== undefined && !known(ctx, r.itemId)) return `no item "${String(r.itemId)}" in epic ${ctx.epicId}`;
  const spent = r.itemId ? ctx.statuses[r.itemId].costUsd : totalCost(ctx.items, ctx.statuses);
  const current = r.itemId ? { epicUsd: ctx.budget.items[r.itemId] ?? ctx.budget.itemUsd } : { epicUsd: ctx.budget.epicUsd };
  const result = applyBudgetChange(current, spent, r);
  return 'error' in result ? (r.itemId ? `item ${r.itemId}: ${result.error}` : result.error) : undefined;
}

export function registerBudget(ctx: EpicContext): void {
  setHandler(budgetQuery, () => budgetView(ctx));
  setHandler(
    setBudgetUpdate,
    (r) => {
      const spent = r.itemId ? ctx.statuses[r.itemId].costUsd : totalCost(ctx.items, ctx.statuses);
      const current = r.itemId ? ctx.budget.items[r.itemId] ?? ctx.budget.itemUsd : ctx.budget.epicUsd;
      const next = applyBudgetChange({ epicUsd: current }, spent, r);
      if ('error' in next) throw ApplicationFailure.nonRetryable(next.error, 'InvalidBudget');
      if (r.itemId) ctx.budget.items[r.itemId] = next.epicUsd;
      else ctx.budget.epicUsd = next.epicUsd;
      log.info(`budget raised: ${r.itemId ? `item ${r.itemId}` : 'epic'} now $${next.epicUsd.toFixed(2)}`);
      ctx.dirty = true;
      return budgetView(ctx);
    },
    {
      validator: (r) => {
        const why = raiseRejection(ctx, r);
        if (why) throw ApplicationFailure.nonRetryable(why, 'InvalidBudget');
      },
    },
  );
}

export const budgetKey = (b: ItemBudget) => `${b.epicUsd ?? ''}|${b.epicSpentUsd ?? ''}|${b.itemUsd ?? ''}`;

/** Tells each live item what it may spend now, when that changed since it was last told. */
export async function pushBudgets(ctx: EpicContext): Promise<void> {
  if (!hasBudget(ctx.budget)) return;
  for (const it of ctx.items) {
    if (!isLive(ctx.statuses[it.id])) continue;
    const b = itemBudgetFor(ctx, it.id)!;
    const key = budgetKey(b);
    if (ctx.budget.sent[it.id] === key) continue;
    ctx.budget.sent[it.id] = key;
    await childHandle(ctx, it.id).signal(itemBudgetSignal, b).catch((err) => log.warn(`budget for ${it.id} not delivered: ${describe(err)}`));
  }
}
