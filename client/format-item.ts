/** One item in full, for `overseer status <epic> <item>`. */
import path from 'node:path';
import type { ItemStatus } from '../common/status';
import type { ItemStatusExtras } from './inbox';
import type { TranscriptTotals } from './transcript';
import { formatTokens } from '../common/usage';

export interface ItemView {
  epicId: string;
  status: ItemStatus & ItemStatusExtras;
  /** From the transcripts on this machine, when they are here. */
  totals?: TranscriptTotals;
  /** The worker running its current activity (describe of the item workflow). */
  host?: string;
  nextCommands: string[];
}

const when = (t?: number) => (t ? new Date(t).toISOString().replace(/\.\d+Z$/, 'Z') : undefined);

export function formatItemView(v: ItemView): string {
  const s = v.status;
  const rows: [string, string | undefined][] = [
    ['state', `${s.state}${s.detail ? ` — ${s.detail.split('\n')[0]}` : ''}`],
    ['attempts', String(s.attempts)],
    ['cost', `$${(s.costUsd ?? 0).toFixed(4)}${tokens(v)}`],
    ['branch', s.branch && `${s.branch}${s.worktree ? ` (worktree ${s.worktree})` : ''}`],
    ['merge commit', s.mergeCommit],
    ['session', s.sessionId && `${s.sessionId}${s.agentVersion ? ` (claude ${s.agentVersion})` : ''}`],
    ['host', v.host ?? s.host],
    ['lost hosts', s.lostHosts?.length ? `${s.lostHosts.join(', ')} (died under the item; it moved on from its pushed branch)` : undefined],
    ['started', when(s.startedAt)],
    ['finished', when(s.finishedAt)],
  ];
  const lines = [`item ${s.itemId} of epic ${v.epicId}: ${s.title}`];
  for (const [k, val] of rows) if (val) lines.push(`  ${`${k}:`.padEnd(14)}${val}`);
  const more = (s.detail ?? '').split('\n').slice(1).filter((l) => l.trim());
  if (more.length) lines.push('  detail:', ...more.slice(-20).map((l) => `    ${l}`));
  const q = s.pendingQuestion;
  if (q) {
    lines.push(`  question:     [${q.questionId}] ${q.question}`);
    if (q.options?.length) lines.push(`    options: ${q.options.join(' | ')}`);
    if (q.context) lines.push(`    context: ${q.context}`);
  }
  if (s.transcripts?.length) {
    lines.push('  transcripts:');
    s.transcripts.forEach((t, i) => lines.push(`    ${i + 1}. ${path.basename(t).replace(/-[0-9a-f-]{36}\.jsonl$/, '').padEnd(12)} ${t}`));
  }
  if (s.sessions?.length) {
    lines.push('  sessions:');
    for (const x of s.sessions) lines.push(`    ${x.kind.padEnd(16)} ${x.sessionId}  $${x.usage.costUsd.toFixed(4)}  ${formatTokens(x.usage)}`);
  }
  if (s.usage && Object.keys(s.usage.byModel).length) {
    lines.push('  by model:', ...Object.entries(s.usage.byModel).map(([m, u]) => `    ${m.padEnd(24)} $${u.costUsd.toFixed(4)}  ${formatTokens(u)}`));
  }
  if (s.writeBackErrors?.length) lines.push('  write-back errors:', ...s.writeBackErrors.map((e) => `    ${e}`));
  if (s.history?.length) lines.push('  history:', ...s.history.map((h) => `    ${h.split('\n')[0].slice(0, 200)}`));
  if (v.nextCommands.length) lines.push('  next:', ...v.nextCommands.map((c) => `    $ ${c}`));
  return lines.join('\n');
}

function tokens(v: ItemView): string {
  const u = v.status.usage;
  if (u) return `, tokens ${formatTokens(u)}`;
  const t = v.status.tokens;
  if (t) return `, tokens in ${t.input ?? 0} / out ${t.output ?? 0}`;
  if (v.totals && (v.totals.inputTokens || v.totals.outputTokens)) return `, tokens in ${v.totals.inputTokens} / out ${v.totals.outputTokens} (from the transcripts)`;
  return '';
}
