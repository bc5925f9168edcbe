/** `overseer plan <source>`: the normalized plan, its effective settings and its DAG, without running anything. */
import { loadPlan, type SourceOptions } from '../importers/index';
import { formatMermaid, formatPlan, formatSettings } from '../format';

export async function planCommand(source: string | undefined, opts: SourceOptions & { json?: boolean; mermaid?: boolean }): Promise<void> {
  const plan = await loadPlan(source, opts);
  if (opts.json) console.log(JSON.stringify(plan, null, 2));
  else if (opts.mermaid) console.log(formatMermaid(plan));
  else console.log(`${formatPlan(plan)}\n${formatSettings(plan)}`);
}
