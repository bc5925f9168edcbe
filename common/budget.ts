/**
 * Budgets in USD (`settings.budget.{epicUsd,itemUsd}` and `settings.agent.maxBudgetUsd`): what a session may still
 * spend, when nothing remains, and what a raise may be. Pure: used by the epic and item workflows and the CLI.
 */

export interface BudgetSettings {
  epicUsd?: number;
  itemUsd?: number;
}

export interface BudgetInput {
  budget?: BudgetSettings;
  /** The agent's own cap per session (`settings.agent.maxBudgetUsd`). */
  sessionMaxUsd?: number;
  epicSpentUsd: number;
  itemSpentUsd: number;
}

/** Below this, nothing is left (a session could not do anything useful with less than a tenth of a cent). */
export const BUDGET_EPSILON_USD = 0.001;

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** What the next session may spend: the smallest of the three limits, or undefined when none is set. */
export function remainingBudget(i: BudgetInput): number | undefined {
  const limits: number[] = [];
  if (i.budget?.epicUsd !== undefined) limits.push(i.budget.epicUsd - i.epicSpentUsd);
  if (i.budget?.itemUsd !== undefined) limits.push(i.budget.itemUsd - i.itemSpentUsd);
  if (i.sessionMaxUsd !== undefined) limits.push(i.sessionMaxUsd);
  return limits.length ? round(Math.max(0, Math.min(...limits))) : undefined;
}

export function budgetExhausted(i: BudgetInput): boolean {
  const left = remainingBudget(i);
  return left !== undefined && left < BUDGET_EPSILON_USD;
}

/** "budget: $0.08 of $0.08 spent" — the limit that ran out (the epic's or the item's). */
export function budgetWaitDetail(i: BudgetInput): string {
  const epicLeft = i.budget?.epicUsd !== undefined ? i.budget.epicUsd - i.epicSpentUsd : Infinity;
  const itemLeft = i.budget?.itemUsd !== undefined ? i.budget.itemUsd - i.itemSpentUsd : Infinity;
  const [spent, limit, whose] = itemLeft < epicLeft ? [i.itemSpentUsd, i.budget!.itemUsd!, 'item'] : [i.epicSpentUsd, i.budget?.epicUsd ?? 0, 'epic'];
  return `budget: $${spent.toFixed(2)} of $${limit.toFixed(2)} spent (${whose}); raise it with overseer budget <epicId> --add <usd>`;
}

export interface BudgetChange {
  add?: unknown;
  set?: unknown;
}

/** The epic's new limit after a raise, or the reason it is refused (the message the update's validator throws). */
export function applyBudgetChange(current: BudgetSettings | undefined, spentUsd: number, change: BudgetChange): { epicUsd: number } | { error: string } {
  const has = (v: unknown) => v !== undefined && v !== null;
  if (has(change.add) === has(change.set)) return { error: 'give exactly one of add or set (USD)' };
  const value = has(change.add) ? change.add : change.set;
  if (typeof value !== 'number' || !Number.isFinite(value)) return { error: `budget must be a number of USD, got ${JSON.stringify(value)}` };
  if (value <= 0) return { error: `budget must be greater than 0, got ${value}` };
  if (has(change.add)) {
    const base = current?.epicUsd ?? spentUsd;
    return { epicUsd: round(base + value) };
  }
  if (value < spentUsd) return { error: `budget $${value.toFixed(2)} is lower than what the epic has already spent ($${spentUsd.toFixed(2)})` };
  return { epicUsd: round(value) };
}

/** The epic's budget while it runs: the limits (raised by `overseer budget`), and what each live item was last told. */
export interface EpicBudgetState {
  epicUsd?: number;
  itemUsd?: number;
  /** Raised limits of single items. */
  items: Record<string, number>;
  /** What each item was last sent (`epicRemaining|itemUsd`), so an unchanged budget is not sent again. */
  sent: Record<string, string>;
}

export function createEpicBudget(settings: BudgetSettings | undefined, carried?: EpicBudgetState): EpicBudgetState {
  return carried ?? { epicUsd: settings?.epicUsd, itemUsd: settings?.itemUsd, items: {}, sent: {} };
}

export function hasBudget(b: EpicBudgetState): boolean {
  return b.epicUsd !== undefined || b.itemUsd !== undefined || Object.keys(b.items).length > 0;
}

/** What remains of the epic's limit, or undefined without one. */
export function epicRemaining(b: EpicBudgetState, spentUsd: number): number | undefined {
  return b.epicUsd === undefined ? undefined : round(Math.max(0, b.epicUsd - spentUsd));
}

export function epicBudgetSpent(b: EpicBudgetState, spentUsd: number): boolean {
  const left = epicRemaining(b, spentUsd);
  return left !== undefined && left < BUDGET_EPSILON_USD;
}

/** Whether the budget holds the epic: its own is spent while work remains, or an item waits for a raise. */
export function budgetHolds(b: EpicBudgetState, spentUsd: number, unfinished: { state: string; detail?: string }[]): boolean {
  if (!unfinished.length) return false;
  return epicBudgetSpent(b, spentUsd) || unfinished.some((s) => s.state === 'waiting' && (s.detail ?? '').startsWith('budget:'));
}
