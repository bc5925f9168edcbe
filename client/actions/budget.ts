/** `overseer budget`: the `budget` query, or a raise through the validated `setBudget` update. */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { budgetQuery, setBudgetUpdate, type BudgetRaise } from '../../common/api';
import { withClient } from '../connection';
import { findEpic, requireRunningEpic } from '../epic-handle';
import { UserError } from '../errors';
import { formatBudget } from '../format';

/** A USD amount as typed: refused at once when it is not a positive number. */
function usd(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!text.trim() || !Number.isFinite(n)) throw new UserError(`--${flag} takes a number of US dollars, got "${text}"`);
  if (n <= 0) throw new UserError(`--${flag} must be greater than 0, got ${text}`);
  return n;
}

export async function budgetCommand(epicId: string, opts: { add?: string; set?: string; item?: string; json?: boolean }): Promise<void> {
  if (opts.add !== undefined && opts.set !== undefined) throw new UserError('give --add or --set, not both');
  const raise: BudgetRaise = { add: usd('add', opts.add), set: usd('set', opts.set), ...(opts.item && { itemId: opts.item }) };
  await withClient(async ({ client }) => {
    if (raise.add === undefined && raise.set === undefined) {
      const ref = await findEpic(client, epicId);
      const view = await ref.handle.query(budgetQuery);
      return console.log(opts.json ? JSON.stringify(view, null, 2) : `epic ${epicId} ${formatBudget(view)}`);
    }
    const ref = await requireRunningEpic(client, epicId);
    try {
      const view = await ref.handle.executeUpdate(setBudgetUpdate, { args: [raise] });
      console.log(opts.json ? JSON.stringify(view, null, 2) : `epic ${epicId} ${formatBudget(view)}; waiting items continue`);
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new UserError(`budget not changed: ${err.cause?.message ?? err.message}`);
      throw err;
    }
  });
}
