/** Budgets (common/budget.ts) and token sums (common/usage.ts): pure, no server. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyBudgetChange, budgetExhausted, budgetWaitDetail, remainingBudget } from '../../common/budget';
import { addUsage, sumUsage, usageOfResult } from '../../common/usage';

describe('budgets', () => {
  it('gives the next session the smallest of the epic, item and session limits', () => {
    assert.equal(remainingBudget({ epicSpentUsd: 0, itemSpentUsd: 0 }), undefined);
    assert.equal(remainingBudget({ budget: { epicUsd: 1, itemUsd: 0.5 }, sessionMaxUsd: 5, epicSpentUsd: 0.8, itemSpentUsd: 0.1 }), 0.2);
    assert.equal(remainingBudget({ budget: { itemUsd: 0.5 }, sessionMaxUsd: 0.3, epicSpentUsd: 9, itemSpentUsd: 0 }), 0.3);
    assert.equal(remainingBudget({ budget: { epicUsd: 0.08 }, epicSpentUsd: 0.1, itemSpentUsd: 0 }), 0);
  });

  it('says which limit ran out', () => {
    const input = { budget: { epicUsd: 0.08 }, epicSpentUsd: 0.08, itemSpentUsd: 0.02 };
    assert.ok(budgetExhausted(input));
    assert.match(budgetWaitDetail(input), /^budget: \$0\.08 of \$0\.08 spent \(epic\)/);
    assert.match(budgetWaitDetail({ budget: { epicUsd: 5, itemUsd: 0.02 }, epicSpentUsd: 1, itemSpentUsd: 0.02 }), /\$0\.02 of \$0\.02 spent \(item\)/);
  });

  it('raises by add or set and refuses bad values with a clear message', () => {
    assert.deepEqual(applyBudgetChange({ epicUsd: 0.08 }, 0.08, { add: 1 }), { epicUsd: 1.08 });
    assert.deepEqual(applyBudgetChange({ epicUsd: 0.08 }, 0.08, { set: 2 }), { epicUsd: 2 });
    assert.deepEqual(applyBudgetChange(undefined, 0.5, { add: 1 }), { epicUsd: 1.5 });
    const refused = (change: Record<string, unknown>) => {
      const r = applyBudgetChange({ epicUsd: 1 }, 0.5, change);
      assert.ok('error' in r, JSON.stringify(change));
      return r.error;
    };
    assert.match(refused({ add: -1 }), /greater than 0/);
    assert.match(refused({ set: 'ten' }), /number of USD/);
    assert.match(refused({ set: 0.1 }), /lower than what the epic has already spent \(\$0\.50\)/);
    assert.match(refused({}), /exactly one/);
    assert.match(refused({ add: 1, set: 2 }), /exactly one/);
  });
});

describe('token usage', () => {
  const result = (cost: number, model = 'claude-sonnet-4-5') => ({
    total_cost_usd: cost,
    modelUsage: { [model]: { inputTokens: 100, outputTokens: 10, cacheReadInputTokens: 1000, cacheCreationInputTokens: 50, costUSD: cost } },
  });

  it('reads a result and adds up per model', () => {
    const a = usageOfResult(result(0.01));
    assert.deepEqual({ ...a, byModel: undefined }, { inputTokens: 100, outputTokens: 10, cacheReadTokens: 1000, cacheWriteTokens: 50, costUsd: 0.01, byModel: undefined });
    const sum = sumUsage([a, usageOfResult(result(0.02)), usageOfResult(result(0.5, 'claude-opus-4-5')), undefined]);
    assert.equal(sum.inputTokens, 300);
    assert.equal(sum.costUsd, 0.53);
    assert.equal(sum.byModel['claude-sonnet-4-5'].costUsd, 0.03);
    assert.equal(sum.byModel['claude-opus-4-5'].cacheReadTokens, 1000);
    assert.deepEqual(addUsage(sum, usageOfResult(undefined)), sum);
  });
});
