/**
 * Budgets and usage limits in an item's life. Before each session: while nothing remains of the budget, no session
 * starts and the item waits for a raise. A session stopped by the account's usage limit waits on a durable timer
 * until the reset, then the same session is resumed; one stopped at its budget is resumed after a raise.
 */
import { ActivityFailure, ApplicationFailure, condition, log, sleep } from '@temporalio/workflow';
import { setHandler } from './handlers';
import { itemBudgetSignal } from '../common/api';
import { BUDGET_EPSILON_USD, budgetWaitDetail, remainingBudget, type BudgetInput } from '../common/budget';
import type { Usage } from '../common/usage';
import { usageLimitDetail, type UsageLimit } from '../common/usage-limit';
import { note, setState, type ItemContext } from './item-context';
import { summary } from '../common/ui-details';
import { ItemFailed } from './item-types';

/**
 * Past the reset by a margin (the server's clock may be a little behind), spread so that the waiting items do not all
 * start at the same instant; at most 3.5 s in all, so the sessions run again within 5 s of the reset.
 */
const RESET_MARGIN_MS = 1_500;
const RESET_JITTER_MS = 2_000;

/** A session stopped by a limit: what the runner's failure details say. */
export interface SessionStop {
  kind: 'usage_limit' | 'budget';
  sessionId?: string;
  sessionStarted: boolean;
  sessionCostUsd: number;
  usage?: Usage;
  usageLimit?: UsageLimit;
}

const usd = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

export function registerBudgetHandler(ctx: ItemContext): void {
  setHandler(itemBudgetSignal, (b) => {
    if (!b || typeof b !== 'object') return log.warn('budget signal ignored: not an object');
    ctx.budget = { epicUsd: usd(b.epicUsd), epicSpentUsd: usd(b.epicSpentUsd), itemUsd: usd(b.itemUsd) };
    ctx.budgetBaseUsd = ctx.status.costUsd;
    ctx.budgetSeq++;
  });
}

/** The budget as of now: what the epic had counted, plus what this item spent since it was told. */
function budgetInput(ctx: ItemContext): BudgetInput {
  const { epicUsd, epicSpentUsd, itemUsd } = ctx.budget;
  const since = Math.max(0, ctx.status.costUsd - ctx.budgetBaseUsd);
  return {
    budget: { ...(epicUsd !== undefined && { epicUsd }), ...(itemUsd !== undefined && { itemUsd }) },
    sessionMaxUsd: ctx.settings.agent.maxBudgetUsd,
    epicSpentUsd: (epicSpentUsd ?? 0) + since,
    itemSpentUsd: ctx.status.costUsd,
  };
}

/** What the next session may spend (`--max-budget-usd`), or undefined when no limit is set. */
export function sessionBudget(ctx: ItemContext): number | undefined {
  return remainingBudget(budgetInput(ctx));
}

const spent = (ctx: ItemContext) => {
  const left = sessionBudget(ctx);
  return left !== undefined && left < BUDGET_EPSILON_USD;
};

/**
 * Waits while nothing remains of the budget (the epic's phase turns to awaiting_human meanwhile). After a session
 * was stopped at its budget (`raiseNeeded`), it waits for the epic's next budget message as well: a raise.
 */
export async function waitForBudget(ctx: ItemContext, raiseNeeded?: number): Promise<void> {
  const mustWait = () => spent(ctx) || (raiseNeeded !== undefined && ctx.budgetSeq <= raiseNeeded);
  if (!mustWait()) return;
  const { state, detail } = ctx.status;
  await setState(ctx, 'waiting', `${budgetWaitDetail(budgetInput(ctx)).replace('<epicId>', ctx.epicId)}`);
  await condition(() => !mustWait());
  note(ctx, `budget raised: $${sessionBudget(ctx)?.toFixed(2) ?? 'unlimited'} for the next session`);
  await setState(ctx, state, detail);
}

/** The limit a failed session ran into, from the runner's failure (undefined for any other failure). */
export function sessionStopOf(err: unknown): SessionStop | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const kind = cause.type === 'AgentUsageLimit' ? 'usage_limit' : cause.type === 'AgentBudgetExhausted' ? 'budget' : undefined;
  if (!kind) return undefined;
  const d = (cause.details?.[0] ?? {}) as Partial<SessionStop>;
  return { kind, sessionId: d.sessionId, sessionStarted: Boolean(d.sessionStarted), sessionCostUsd: d.sessionCostUsd ?? 0, usage: d.usage, usageLimit: d.usageLimit };
}

/** Waits out the account's usage limit on a durable timer (or fails the item when the plan says so). */
export async function waitForUsageLimit(ctx: ItemContext, limit: UsageLimit): Promise<void> {
  const detail = usageLimitDetail(limit, Date.now());
  if (ctx.settings.agent.onUsageLimit === 'fail') throw new ItemFailed(`Claude's ${detail} (settings.agent.onUsageLimit: fail)`);
  const { state, detail: before } = ctx.status;
  await setState(ctx, 'waiting', detail);
  const jitter = Math.floor(Math.random() * RESET_JITTER_MS); // deterministic in a workflow (seeded)
  await sleep(Math.max(1_000, limit.resetsAt * 1000 - Date.now() + RESET_MARGIN_MS + jitter), { summary: summary(`${ctx.item.id}: ${detail}`) });
  note(ctx, `usage limit (${limit.limitType}) lifted; resuming`);
  await setState(ctx, state, before);
}
