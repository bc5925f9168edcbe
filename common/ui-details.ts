/**
 * What the stock Temporal Web UI shows of a run (issue 16): the Markdown of "Current Details" for an epic and an
 * item, the static summary/details a run starts with, and the one-line summaries of activities and timers.
 * Pure functions; the workflows call `setCurrentDetails` with them when something changed.
 */
import type { WorkItem } from './plan';
import type { EpicPhase, ItemStatus } from './status';

const cell = (s: string | undefined, max = 80): string => {
  const one = (s ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};
const usd = (n: number | undefined): string => `$${(n ?? 0).toFixed(2)}`;

/** The epic: its phase, cost, and a table of items with their state, detail and pending question. */
export function epicDetails(title: string, phase: EpicPhase, items: readonly WorkItem[], statuses: Record<string, ItemStatus>, costUsd: number): string {
  const counts = new Map<string, number>();
  for (const it of items) counts.set(statuses[it.id]?.state ?? 'pending', (counts.get(statuses[it.id]?.state ?? 'pending') ?? 0) + 1);
  const lines = [
    `**${cell(title, 120)}** — ${phase}, ${items.length} items, cost ${usd(costUsd)}`,
    '',
    [...counts].map(([s, n]) => `${s}: ${n}`).join(' · '),
    '',
    '| item | state | detail | question | cost |',
    '|---|---|---|---|---|',
  ];
  for (const it of items) {
    const s = statuses[it.id];
    const q = s?.pendingQuestion && s.pendingQuestion.answer === undefined ? s.pendingQuestion.question : '';
    lines.push(`| ${cell(it.id, 40)} | ${s?.state ?? 'pending'} | ${cell(s?.detail)} | ${cell(q)} | ${usd(s?.costUsd)} |`);
  }
  return lines.join('\n');
}

/** One item: state, detail, the question waiting for an answer, attempts and cost. */
export function itemDetails(s: ItemStatus): string {
  const lines = [`**${cell(s.itemId, 60)}: ${cell(s.title, 100)}**`, '', `- state: **${s.state}**${s.detail ? ` — ${cell(s.detail, 200)}` : ''}`];
  lines.push(`- attempts: ${s.attempts}, cost ${usd(s.costUsd)}`);
  if (s.branch) lines.push(`- branch: \`${s.branch}\``);
  if (s.mergeCommit) lines.push(`- merge commit: \`${s.mergeCommit}\``);
  const q = s.pendingQuestion;
  if (q && q.answer === undefined) {
    lines.push('', `**Question** (${q.kind}, id \`${q.questionId}\`): ${cell(q.question, 500)}`);
    if (q.options?.length) lines.push('', ...q.options.map((o) => `- ${cell(o, 120)}`));
  }
  return lines.join('\n');
}

/** Static details of an epic run (the plan as it started). */
export function epicStaticDetails(plan: { title: string; repo: { path: string; targetBranch: string }; items: readonly WorkItem[] }): string {
  return [
    `**${cell(plan.title, 120)}**`,
    '',
    `Repository \`${plan.repo.path}\`, target branch \`${plan.repo.targetBranch}\``,
    '',
    ...plan.items.map((it) => `- \`${it.id}\` ${cell(it.title, 100)}${it.dependsOn.length ? ` (after ${it.dependsOn.join(', ')})` : ''}`),
  ].join('\n');
}

/** A summary is at most ~200 bytes in the UI's lists. */
export const summary = (s: string): string => cell(s, 190);
