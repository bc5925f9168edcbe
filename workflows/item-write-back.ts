/** Tells the plan's source (Beads, ccw) how the item is doing; a failed write-back is shown, never fails the item. */
import type { WriteBackEvent } from '../activities/sync';
import { describe } from './messages';
import type { ItemContext } from './item-context';

export async function writeBack(ctx: ItemContext, event: WriteBackEvent): Promise<void> {
  const { source } = ctx.input;
  const { status } = ctx;
  if (!source || source.kind === 'native') return;
  try {
    const r = await ctx.core.writeBack(source, event);
    if (!r.ok || r.note) status.writeBackErrors = [...(status.writeBackErrors ?? []), r.note ?? 'write-back failed'].slice(-5);
  } catch (err) {
    status.writeBackErrors = [...(status.writeBackErrors ?? []), describe(err)].slice(-5);
  }
}
