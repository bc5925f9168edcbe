/**
 * Reading Beads output into issues and dependency edges, whatever command produced it
 * (notes/claude-beads-ccw-interfaces.md Part B):
 * - `bd export` JSONL (`{"_type":"issue",...}` lines, plus memories and other record types, which are ignored);
 * - an older `.beads/issues.jsonl` (the same lines without `_type`);
 * - `bd list --json [--all]` (an array; edges only as the computed `parent`), `bd show --json` (an array whose
 *   `dependencies` are copies of the depended-on issues with a `dependency_type`), either raw or in the
 *   `{schema_version, data}` envelope.
 */
import { PlanError } from '../../common/plan-schema';
import { describeJsonError } from './json-text';

type Json = Record<string, unknown>;

export interface BeadsIssue {
  id: string;
  title: string;
  /** Opaque except for `closed`, `tombstone` and `deferred`. */
  status: string;
  issueType: string;
  priority?: number;
  /** `estimated_minutes`. */
  estimateMinutes?: number;
  description: string;
  design: string;
  acceptance: string;
  notes: string;
  labels: string[];
  assignee?: string;
  specId?: string;
  externalRef?: string;
}

/** `from` depends on `to` (the record lives on the dependent issue). */
export interface BeadsEdge {
  from: string;
  to: string;
  type: string;
}

export interface BeadsSource {
  /** Issues in source order (the last record wins when an id repeats, as `bd import` does). */
  issues: Map<string, BeadsIssue>;
  /** Issues only seen as copies inside another record (`bd show --json` dependencies): their status is known. */
  mentioned: Map<string, BeadsIssue>;
  edges: BeadsEdge[];
  /** Whether the records carry dependency edges at all (`bd list --json` does not). */
  hasEdges: boolean;
  /** Lines or records that are not issues (memories, other `_type`s). */
  ignored: number;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function toIssue(r: Json): BeadsIssue {
  const labels = Array.isArray(r.labels) ? r.labels.filter((l): l is string => typeof l === 'string') : [];
  return {
    id: str(r.id),
    title: str(r.title),
    status: str(r.status) || 'open',
    issueType: str(r.issue_type) || 'task',
    ...(typeof r.priority === 'number' && Number.isInteger(r.priority) && r.priority >= 0 && { priority: r.priority }),
    ...(typeof r.estimated_minutes === 'number' && r.estimated_minutes > 0 && { estimateMinutes: r.estimated_minutes }),
    description: str(r.description),
    design: str(r.design),
    acceptance: str(r.acceptance_criteria),
    notes: str(r.notes),
    labels,
    ...(str(r.assignee) && { assignee: str(r.assignee) }),
    ...(str(r.spec_id) && { specId: str(r.spec_id) }),
    ...(str(r.external_ref) && { externalRef: str(r.external_ref) }),
  };
}

/** Splits the text into records, each with where it was found (for messages). */
function records(text: string, file: string): { record: unknown; where: string }[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new PlanError(file, [describeJsonError(err, text)]);
    }
    return (parsed as unknown[]).map((record, i) => ({ record, where: `record ${i + 1}` }));
  }
  // A whole JSON document (the envelope, a pretty-printed object) or JSONL (one object per line).
  let whole: unknown;
  let wholeError: unknown;
  try {
    whole = JSON.parse(text);
  } catch (err) {
    wholeError = err;
  }
  if (whole !== undefined) {
    if (whole && typeof whole === 'object' && !Array.isArray(whole)) {
      const o = whole as Json;
      const inner = 'data' in o && 'schema_version' in o ? o.data : Array.isArray(o.issues) ? o.issues : undefined;
      if (Array.isArray(inner)) return inner.map((record, i) => ({ record, where: `record ${i + 1}` }));
      if (inner && typeof inner === 'object') return [{ record: inner, where: 'record 1' }];
    }
    return [{ record: whole, where: 'line 1' }];
  }
  // Pretty-printed JSON that does not parse: point at the break in the document, not at its first line.
  if (/^\{\s*\n/.test(trimmed)) throw new PlanError(file, [describeJsonError(wholeError, text)]);
  const out: { record: unknown; where: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    try {
      out.push({ record: JSON.parse(line), where: `line ${i + 1}` });
    } catch (err) {
      throw new PlanError(file, [`line ${i + 1}: ${describeJsonError(err, line).replace(/ at line 1,/, ' at')}`]);
    }
  }
  return out;
}

export function parseBeads(text: string, file: string): BeadsSource {
  const issues = new Map<string, BeadsIssue>();
  const mentioned = new Map<string, BeadsIssue>();
  const edges = new Map<string, BeadsEdge>();
  const problems: string[] = [];
  let hasEdges = false;
  let ignored = 0;
  const addEdge = (from: string, to: string, type: string) => {
    if (from && to) edges.set(`${from}\u0000${to}\u0000${type}`, { from, to, type });
  };
  const mention = (r: unknown) => {
    if (r && typeof r === 'object' && str((r as Json).id) && !mentioned.has(str((r as Json).id))) mentioned.set(str((r as Json).id), toIssue(r as Json));
  };

  for (const { record, where } of records(text, file)) {
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      problems.push(`${where}: not a Beads issue (expected a JSON object)`);
      continue;
    }
    const r = record as Json;
    if ('_type' in r && r._type !== 'issue') {
      ignored++;
      continue;
    }
    if (!('_type' in r) && !('id' in r) && ('key' in r || 'value' in r)) {
      ignored++; // an old memory line
      continue;
    }
    const id = str(r.id);
    if (!id) {
      problems.push(`${where}: issue without an "id"`);
      continue;
    }
    issues.delete(id); // keep the source order of the last record
    issues.set(id, toIssue(r));

    if (Array.isArray(r.dependencies)) {
      hasEdges = true;
      for (const d of r.dependencies) {
        if (!d || typeof d !== 'object') continue;
        const dep = d as Json;
        if (str(dep.depends_on_id)) {
          addEdge(str(dep.issue_id) || id, str(dep.depends_on_id), str(dep.type) || 'blocks');
        } else if (str(dep.id)) {
          // `bd show --json`: a copy of the depended-on issue.
          addEdge(id, str(dep.id), str(dep.dependency_type) || 'blocks');
          mention(dep);
        }
      }
    }
    if (Array.isArray(r.dependents)) {
      hasEdges = true;
      for (const d of r.dependents) {
        if (!d || typeof d !== 'object' || !str((d as Json).id)) continue;
        addEdge(str((d as Json).id), id, str((d as Json).dependency_type) || 'blocks');
        mention(d);
      }
    }
    if (str(r.parent)) addEdge(id, str(r.parent), 'parent-child');
  }
  if (problems.length) throw new PlanError(file, problems);
  return { issues, mentioned, edges: [...edges.values()], hasEdges, ignored };
}
