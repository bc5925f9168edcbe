/** Human-readable output of statuses and plans. */
import { displayUrl } from '../common/remote-url';
import type { EpicStatus, ItemStatus } from '../common/status';
import type { EpicPlan } from '../common/plan';
import { sourceLines } from './importers/describe-source';
import { formatTokens } from '../common/usage';
import type { BudgetView } from '../common/status';

/** "budget: $0.10 of $0.08 spent, $0.00 left (items: $0.05 each)" */
export function formatBudget(b: BudgetView): string {
  const limit = b.epicUsd !== undefined ? ` of $${b.epicUsd.toFixed(2)}` : '';
  const left = b.remainingUsd !== undefined ? `, $${b.remainingUsd.toFixed(2)} left` : '';
  const items = [b.itemUsd !== undefined && `$${b.itemUsd.toFixed(2)} each`, ...Object.entries(b.items ?? {}).map(([id, v]) => `${id} $${v.toFixed(2)}`)].filter(Boolean);
  return `budget: $${b.spentUsd.toFixed(2)}${limit} spent${left}${items.length ? ` (items: ${items.join(', ')})` : ''}`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function formatItemLine(s: ItemStatus): string {
  const bits = [pad(s.itemId, 14), pad(s.state, 16), pad(`attempts ${s.attempts}`, 11), pad(`$${(s.costUsd ?? 0).toFixed(4)}`, 10)];
  if (s.host) bits.push(pad(`on ${s.host}`, 14)); // a plan on a git remote: the worker host holding the item
  const detail = s.pendingQuestion ? `? [${s.pendingQuestion.questionId}] ${s.pendingQuestion.question}` : s.state === 'merged' && s.mergeCommit ? s.mergeCommit.slice(0, 10) : s.detail ?? '';
  return `${bits.join(' ')} ${detail.split('\n')[0].slice(0, 100)}`.trimEnd();
}

export function formatStatus(st: EpicStatus): string {
  const lines = [`epic ${st.epicId}: ${st.title} — ${st.phase} (${st.repoPath} → ${st.targetBranch}, cost $${st.costUsd.toFixed(4)})`];
  if (st.usage) lines.push(`  tokens: ${formatTokens(st.usage)}${Object.keys(st.usage.byModel).length ? ` (${Object.entries(st.usage.byModel).map(([m, u]) => `${m} $${u.costUsd.toFixed(4)}`).join(', ')})` : ''}`);
  if (st.budget) lines.push(`  ${formatBudget(st.budget)}`);
  for (const item of st.items) {
    lines.push(`  ${formatItemLine(item)}`);
    // A failed item waits for a human: show the rest of why (a gate's output tail), not just its first line.
    const more = item.state === 'failed' ? (item.detail ?? '').split('\n').slice(1).filter((l) => l.trim()) : [];
    for (const l of more.slice(-12)) lines.push(`      ${l.slice(0, 160)}`);
  }
  return lines.join('\n');
}

export function formatPlan(plan: EpicPlan): string {
  const lines = [`epic ${plan.epicId}: ${plan.title}`, `repo ${plan.repo.url !== undefined ? displayUrl(plan.repo.url) : plan.repo.path} → ${plan.repo.targetBranch}`, `items (${plan.items.length}):`];
  for (const it of plan.items) {
    const deps = it.dependsOn.length ? ` after ${it.dependsOn.join(', ')}` : '';
    const meta = [it.role && `role ${it.role}`, it.priority !== undefined && `P${it.priority}`, it.phase !== undefined && `phase ${it.phase}`, it.done && 'done']
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${it.id}: ${it.title}${deps}${meta ? ` (${meta})` : ''}`);
  }
  lines.push(...sourceLines(plan));
  return lines.join('\n');
}

/** The DAG as a Mermaid flowchart. */
export function formatMermaid(plan: EpicPlan): string {
  const node = (id: string) => `n_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const lines = ['flowchart TD'];
  for (const it of plan.items) lines.push(`  ${node(it.id)}["${it.id}: ${it.title.replace(/"/g, "'")}${it.done ? ' (done)' : ''}"]`);
  for (const it of plan.items) for (const d of it.dependsOn) lines.push(`  ${node(d)} --> ${node(it.id)}`);
  return lines.join('\n');
}

/** The settings the epic will run with, defaults filled in (what `overseer plan` shows before anything runs). */
export function formatSettings(plan: EpicPlan): string {
  const s = plan.settings;
  const a = s.agent;
  const list = (xs: string[]) => (xs.length ? xs.join('; ') : 'none');
  const agent = [
    a.command.join(' '),
    a.model && `model ${a.model}`,
    `permission mode ${a.permissionMode}`,
    a.maxTurns !== undefined && `max ${a.maxTurns} turns`,
    a.maxBudgetUsd !== undefined && `budget $${a.maxBudgetUsd} a session`,
    `session timeout ${a.sessionTimeout}`,
    `${a.maxRetries} retries from ${a.retryInterval}`,
  ].filter(Boolean);
  return [
    'settings (defaults filled in):',
    `  agent:             ${agent.join(', ')}`,
    ...(a.allowedTools.length ? [`  allowed tools:     ${a.allowedTools.join(', ')}`] : []),
    `  parallel:          ${s.maxParallel} items at once, ${s.maxAttempts} attempt${s.maxAttempts === 1 ? '' : 's'} each`,
    `  questions:         time out after ${s.questionTimeout}, then ${s.autoResume ? 'the session resumes on its own judgment (autoResume)' : 'the item waits for an answer'}`,
    `  review:            ${s.review.enabled ? `council on, up to ${s.review.maxRounds} round${s.review.maxRounds === 1 ? '' : 's'}` : 'off'}`,
    `  approval:          ${s.approval === 'before-merge' ? 'a person approves each merge (overseer approve)' : 'none: approved items merge on their own'}`,
    `  gates:             ${list(s.gates)} (timeout ${s.gateTimeout})`,
    `  merge gates:       ${list(s.mergeGates)}`,
    `  validation:        ${s.validation.enabled ? `on, up to ${s.validation.maxRounds} round${s.validation.maxRounds === 1 ? '' : 's'}` : 'off'}`,
    ...(s.phaseBarriers ? ['  phase barriers:    on'] : []),
  ].join('\n');
}
