/**
 * One-line summaries of activities for the Web UI's timeline (issue 16), from the activity's type and input:
 * `implement auth-3`, `review auth-3`, `merge overseer/auth/auth-3`, `gates auth-3`. A call site may give its own
 * (the implementer's attempt number); this is the default.
 */
import { summary } from './ui-details';

type Input = Record<string, unknown> & { item?: { id?: string }; itemId?: string; branch?: string; commands?: unknown[]; kind?: string; cwd?: string };

const base = (p: string | undefined): string => (p ? p.split('/').filter(Boolean).pop() ?? p : '');

export function activitySummary(activityType: string, args: unknown[]): string | undefined {
  const a = (args[0] ?? {}) as Input;
  const item = a.item?.id ?? a.itemId;
  switch (activityType) {
    case 'runAgent':
      return summary(`${a.kind ?? 'session'} ${item ?? ''}`.trim());
    case 'mergeBranch':
      return summary(`merge ${a.branch ?? item ?? ''}`.trim());
    case 'mergeStack': {
      const reqs = Array.isArray(a.requests) ? (a.requests as { branch?: string }[]) : [];
      const what = reqs.length === 1 ? reqs[0].branch : `${reqs.length} branches (${reqs.map((r) => r.branch).join(', ')})`;
      return summary(`${a.publish === false ? 'probe' : 'merge'} ${what ?? ''}`.trim());
    }
    case 'runGates':
      return summary(`gates (${Array.isArray(a.commands) ? a.commands.length : 0}) in ${base(a.cwd)}`);
    case 'enqueueMerge':
      return summary(`enqueue ${a.branch ?? item ?? ''} for merge`.trim());
    case 'writeBack':
      return summary(`write back ${JSON.stringify(args[1] ?? '').slice(0, 80)}`);
    default:
      return summary(item ? `${activityType} ${item}` : activityType);
  }
}
