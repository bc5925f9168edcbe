/** A Beads leaf as a work item: its text, criteria, role, and the context of the epic and containers above it. */
import type { WorkItem } from '../../common/plan';
import type { BeadsIssue } from './beads-records';
import type { LeafDependencies } from './beads-deps';
import { bySourceOrder, oneLine, type BeadsTree, type FlatEpic } from './beads-tree';

/** Criteria from free text: one per line, list markers and checkboxes removed. */
function splitCriteria(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().replace(/^(?:[-*+]|\d+[.)])\s+/, '').replace(/^\[[ xX]\]\s+/, '').trim())
    .filter(Boolean);
}

function roleOf(issue: BeadsIssue, roles: ReadonlySet<string>): string | undefined {
  const label = issue.labels.find((l) => l.startsWith('role:'));
  if (label) return label.slice('role:'.length).trim();
  if (issue.assignee && roles.has(issue.assignee)) return issue.assignee;
  return undefined;
}

const described = (issue: BeadsIssue) => `${oneLine(issue.title)}${issue.description ? ` — ${issue.description.trim()}` : ''}`;

function contextOf(tree: BeadsTree, flat: FlatEpic, issue: BeadsIssue): string[] {
  const epic = tree.src.issues.get(flat.epicId)!;
  const context = [`Epic ${epic.id}: ${described(epic)}`];
  for (let c = flat.containerOf.get(issue.id); c; c = flat.containerOf.get(c)) context.push(`Part of ${c}: ${described(tree.src.issues.get(c)!)}`);
  if (issue.design.trim()) context.push(`Design:\n${issue.design.trim()}`);
  if (issue.notes.trim()) context.push(`Notes:\n${issue.notes.trim()}`);
  if (issue.specId) context.push(`Spec: ${issue.specId}`);
  if (issue.externalRef) context.push(`External reference: ${issue.externalRef}`);
  return context;
}

/** The work items of every leaf that is not skipped, in source order. */
export function beadsWorkItems(tree: BeadsTree, flat: FlatEpic, resolved: LeafDependencies, roles: ReadonlySet<string>): WorkItem[] {
  const { deps, links, skipReason } = resolved;
  return flat.leaves
    .filter((id) => !skipReason.has(id))
    .map((id) => {
      const issue = tree.src.issues.get(id)!;
      const container = flat.containerOf.get(id);
      const role = roleOf(issue, roles);
      return {
        id,
        title: issue.title,
        description: issue.description.trim(),
        acceptance: splitCriteria(issue.acceptance),
        dependsOn: [...deps.get(id)!].filter((d) => !skipReason.has(d)).sort(bySourceOrder(tree)),
        files: [],
        context: contextOf(tree, flat, issue),
        ...(role !== undefined && { role }),
        ...(issue.priority !== undefined && { priority: issue.priority }),
        ...(issue.estimateMinutes !== undefined && { estimate: `${issue.estimateMinutes}m` }),
        ...(container !== undefined && { group: container }),
        ...(issue.status === 'closed' && { done: true }),
        ...(links.has(id) && { links: links.get(id) }),
      };
    });
}
