/** A claude-code-workflow leaf task as a work item: its fields, its containers' context, its dependencies' summaries. */
import type { WorkItem } from '../../common/plan';
import { roleOfTask } from './ccw-task';
import { ancestors, type TaskTree } from './ccw-graph';

export interface ItemInputs {
  tree: TaskTree;
  deps: Map<string, string[]>;
  phases: Map<string, number>;
  isDone: Map<string, boolean>;
  /** A finished task's summary (`.summaries/<id>-summary.md`), without its heading. */
  summaryOf(id: string): string | undefined;
}

function contextOf(inputs: ItemInputs, id: string): string[] {
  const { tree, deps, isDone } = inputs;
  const context = [...tree.tasks.get(id)!.context];
  for (const c of ancestors(tree, id)) {
    const ct = tree.tasks.get(c)!;
    const what = ct.requirements.length ? ct.requirements.join('; ') : ct.description;
    context.push(`Part of ${c}: ${ct.title}${what ? ` — ${what}` : ''}`);
    if (ct.acceptance.length) context.push(`${c} is done when: ${ct.acceptance.join('; ')}`);
  }
  if (!isDone.get(id)) {
    for (const d of deps.get(id)!) {
      const s = isDone.get(d) ? inputs.summaryOf(d) : undefined;
      if (s) context.push(`Summary of ${d} (done):\n${s.length > 2000 ? `${s.slice(0, 2000)}…` : s}`);
    }
  }
  return context;
}

export function ccwWorkItems(inputs: ItemInputs): WorkItem[] {
  const { tree, deps, phases, isDone } = inputs;
  return tree.leaves.map((id) => {
    const t = tree.tasks.get(id)!;
    const context = contextOf(inputs, id);
    const role = roleOfTask(t);
    return {
      id,
      title: t.title || id,
      description: t.description,
      acceptance: t.acceptance,
      dependsOn: deps.get(id)!,
      files: t.files,
      ...(context.length && { context }),
      ...(role !== undefined && { role }),
      ...(t.priority !== undefined && { priority: t.priority }),
      ...(t.group !== undefined && { group: t.group }),
      ...(phases.has(id) && { phase: phases.get(id) }),
      ...(isDone.get(id) && { done: true }),
    };
  });
}
