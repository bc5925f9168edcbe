/**
 * Several plans become one program: the epic ids are unique, every cross-epic dependency names an epic (and item)
 * of the run, and the dependencies across epics make no cycle. Whole-epic dependencies (`<epicId>/*`) become one
 * per item. Bad input throws `PlanError` naming the file, the item and the field; nothing starts.
 */
import { findCycle } from '../../common/dag';
import type { EpicPlan, WorkItem } from '../../common/plan';
import { PlanError } from '../../common/plan-schema';

export interface LoadedPlan {
  /** The source as given on the command line (shown in errors). */
  file: string;
  plan: EpicPlan;
}

export function assembleProgram(loaded: LoadedPlan[], programId: string): EpicPlan[] {
  duplicateEpics(loaded);
  const byEpic = new Map(loaded.map((l) => [l.plan.epicId, l.plan]));
  const plans = loaded.map((l) => resolveCrossEpic(l, byEpic));
  const cycle = findCycle(plans.flatMap(programNodes));
  if (cycle) {
    const first = loaded.find((l) => l.plan.epicId === cycle[0].split('/')[0])!;
    throw new PlanError(first.file, [`item "${cycle[0].split('/')[1]}".dependsOn: dependency cycle across epics: ${cycle.join(' -> ')}`]);
  }
  return plans.map((p) => ({ ...p, program: { programId } }));
}

function duplicateEpics(loaded: LoadedPlan[]): void {
  const seen = new Map<string, string>();
  for (const l of loaded) {
    const before = seen.get(l.plan.epicId);
    if (before !== undefined) throw new PlanError(l.file, [`epicId: "${l.plan.epicId}" is also the epic id of ${before}; two plans of one run need different epic ids`]);
    seen.set(l.plan.epicId, l.file);
  }
}

/** The plan with every cross-epic dependency checked and expanded to `<epicId>/<itemId>`. */
function resolveCrossEpic(l: LoadedPlan, byEpic: Map<string, EpicPlan>): EpicPlan {
  const problems: string[] = [];
  const items = l.plan.items.map((it): WorkItem => {
    if (!it.crossEpicDependsOn?.length) return it;
    const resolved: string[] = [];
    for (const dep of it.crossEpicDependsOn) {
      const [epicId, itemId] = dep.split('/', 2);
      const other = byEpic.get(epicId);
      const shown = itemId === '*' ? epicId : dep;
      if (!other) problems.push(`item "${it.id}".dependsOn: "${shown}" names epic "${epicId}", which is not in this run (epics: ${[...byEpic.keys()].join(', ')})`);
      else if (epicId === l.plan.epicId) problems.push(`item "${it.id}".dependsOn: "${dep}" names this epic; write "${itemId}"`);
      else if (itemId === '*') resolved.push(...other.items.map((o) => `${epicId}/${o.id}`));
      else if (!other.items.some((o) => o.id === itemId)) problems.push(`item "${it.id}".dependsOn: "${dep}" names item "${itemId}", which epic "${epicId}" does not have`);
      else resolved.push(dep);
    }
    return { ...it, crossEpicDependsOn: [...new Set(resolved)] };
  });
  if (problems.length) throw new PlanError(l.file, problems);
  return { ...l.plan, items };
}

/** Every item of the run as a node `<epicId>/<itemId>`, for the cycle check across epics. */
function programNodes(plan: EpicPlan): { id: string; dependsOn: string[] }[] {
  return plan.items.map((it) => ({
    id: `${plan.epicId}/${it.id}`,
    dependsOn: [...it.dependsOn.map((d) => `${plan.epicId}/${d}`), ...(it.crossEpicDependsOn ?? [])],
  }));
}

/** `overseer plan`'s word on the edges that cross epics. */
export function crossEpicEdges(plans: EpicPlan[]): string[] {
  return plans.flatMap((p) => p.items.flatMap((it) => (it.crossEpicDependsOn ?? []).map((d) => `${p.epicId}/${it.id} waits for ${d}`)));
}
