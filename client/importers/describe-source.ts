/** What `overseer plan` and `overseer run` say about where a plan came from: write-back, left-out items, notes. */
import type { EpicPlan } from '../../common/plan';

/** Notes printed once before a run starts. */
export function sourceNotes(plan: EpicPlan): string[] {
  const s = plan.source;
  if (!s || s.kind === 'native') return [];
  const out: string[] = [];
  if (s.kind === 'beads' && !s.writeBack) out.push('`bd` is not on PATH: write-back to Beads is off (items will not be claimed or closed there)');
  return [...out, ...(s.notes ?? [])];
}

/** Extra lines for `overseer plan`. */
export function sourceLines(plan: EpicPlan): string[] {
  const s = plan.source;
  if (!s || s.kind === 'native') return [];
  const lines =
    s.kind === 'beads'
      ? [`source: Beads ${s.file ?? '(bd export)'}, epic ${s.epic}; write-back through bd: ${s.writeBack ? 'on' : 'off (bd is not on PATH)'}`]
      : [`source: claude-code-workflow session ${s.sessionDir}; write-back: ${s.writeBack ? 'on' : 'off'}`];
  const how = [plan.settings.maxParallel === 1 && 'one item at a time', plan.settings.phaseBarriers && 'phase barriers on'].filter(Boolean);
  if (s.kind === 'ccw' && how.length) lines.push(`execution: ${how.join(', ')}`);
  if (s.skipped?.length) lines.push(`left out (${s.skipped.length}):`, ...s.skipped.map((k) => `  ${k.id}: ${k.reason}`));
  if (s.notes?.length) lines.push('notes:', ...s.notes.map((n) => `  ${n}`));
  return lines;
}
