/**
 * epicWorkflow (DESIGN §2): keeps up to `maxParallel` items running, each as a child `workItemWorkflow`.
 *
 * An item is ready when every dependency is merged (or done, or skipped by a human); ready items start at once,
 * by priority, then critical path, then id — no wave barriers. A failed item blocks only its dependents and waits
 * for a human (`retryItem`, `skipItem`, `cancelItem`). Children report by signal to this workflow's id, so the
 * epic can continue-as-new without losing anything. The pieces are in epic-*.ts, the decisions in common/epic-*.ts.
 */
import { isCancellation, patched } from '@temporalio/workflow';
import type { EpicPlan } from '../common/plan';
import type { EpicResult } from '../common/status';
import { cancelItems } from './epic-cancel';
import { reattachChildren } from './epic-children';
import { createEpicContext, type EpicCarry } from './epic-context';
import { dispatchUntilDone } from './epic-loop';
import { registerEpicHandlers } from './epic-handlers';
import { complete, start } from './epic-lifecycle';
import { validate } from './epic-validation';

export type { EpicCarry } from './epic-context';

export async function epicWorkflow(planInput: EpicPlan, carry?: EpicCarry): Promise<EpicResult> {
  const ctx = createEpicContext(planInput, carry); // checks the plan
  registerEpicHandlers(ctx); // before the first await
  try {
    if (!carry) await start(ctx);
    else if (patched('reattach-children')) await reattachChildren(ctx);
    for (;;) {
      await dispatchUntilDone(ctx);
      // Every item is done: the product manager checks the integrated result; follow-ups join the same DAG.
      const added = await validate(ctx);
      if (added === 0) break;
    }
    return await complete(ctx);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await cancelItems(ctx);
    throw err;
  }
}
