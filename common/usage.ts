/**
 * Tokens and cost of agent sessions, summed per item and per epic (and per model, from the result's `modelUsage`).
 */

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

export interface Usage extends ModelUsage {
  /** The same figures per model name. */
  byModel: Record<string, ModelUsage>;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, byModel: {} };
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function addModel(a: ModelUsage, b: ModelUsage): ModelUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    // Rounded to a millionth of a dollar so sums do not drift with floating point.
    costUsd: Math.round((a.costUsd + b.costUsd) * 1e6) / 1e6,
  };
}

export function addUsage(a: Usage, b: Usage): Usage {
  const byModel: Record<string, ModelUsage> = { ...a.byModel };
  for (const [model, u] of Object.entries(b.byModel)) byModel[model] = addModel(byModel[model] ?? emptyUsage(), u);
  return { ...addModel(a, b), byModel };
}

export function sumUsage(list: (Usage | undefined)[]): Usage {
  return list.reduce<Usage>((acc, u) => (u ? addUsage(acc, u) : acc), emptyUsage());
}

/** A session's usage from its `result` event (`modelUsage` per model; `usage` and `total_cost_usd` otherwise). */
export function usageOfResult(result: Record<string, unknown> | undefined): Usage {
  if (!result) return emptyUsage();
  const byModel: Record<string, ModelUsage> = {};
  for (const [model, raw] of Object.entries((result.modelUsage ?? {}) as Record<string, Record<string, unknown>>)) {
    byModel[model] = {
      inputTokens: num(raw.inputTokens),
      outputTokens: num(raw.outputTokens),
      cacheReadTokens: num(raw.cacheReadInputTokens),
      cacheWriteTokens: num(raw.cacheCreationInputTokens),
      costUsd: num(raw.costUSD),
    };
  }
  const models = Object.values(byModel);
  if (models.length) return { ...models.reduce(addModel, emptyUsage()), costUsd: num(result.total_cost_usd) || models.reduce(addModel, emptyUsage()).costUsd, byModel };
  const u = (result.usage ?? {}) as Record<string, unknown>;
  return {
    inputTokens: num(u.input_tokens),
    outputTokens: num(u.output_tokens),
    cacheReadTokens: num(u.cache_read_input_tokens),
    cacheWriteTokens: num(u.cache_creation_input_tokens),
    costUsd: num(result.total_cost_usd),
    byModel,
  };
}

/** "12.3k in / 4.1k out / 80.0k cache read / 2.0k cache write" */
export function formatTokens(u: Pick<Usage, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'>): string {
  const k = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n));
  return `${k(u.inputTokens)} in / ${k(u.outputTokens)} out / ${k(u.cacheReadTokens)} cache read / ${k(u.cacheWriteTokens)} cache write`;
}
