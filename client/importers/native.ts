/** Native plans: YAML or JSON with exactly the `EpicPlan` field names (DESIGN §4). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import type { EpicPlan } from '../../common/plan';
import { normalizePlan, PlanError, type PlanLocator } from '../../common/plan-schema';
import { parseJson } from './json-text';

/** A locator over a parsed document: the line and column of a path's node (or of a key of the mapping there). */
export function documentLocator(doc: YAML.Document, lines: YAML.LineCounter): PlanLocator {
  return (where, key) => {
    const path = where.map((k) => (typeof k === 'symbol' ? String(k) : k));
    let node: unknown = path.length ? doc.getIn(path, true) : doc.contents;
    if (key !== undefined && YAML.isMap(node)) node = node.items.find((p) => YAML.isScalar(p.key) && p.key.value === key)?.key;
    // A missing node (a required field): point at the nearest parent that exists.
    for (let up = path.length - 1; !node && up >= 0; up--) node = up ? doc.getIn(path.slice(0, up), true) : doc.contents;
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (!range) return undefined;
    const { line, col } = lines.linePos(range[0]);
    return { line, col };
  };
}

/** Parses YAML or JSON text, turning syntax errors into a `PlanError` with the line and column. */
export function parsePlanText(text: string, file: string): { raw: unknown; locate?: PlanLocator } {
  if (/\.json$/i.test(file)) {
    const raw = parseJson(text, file);
    // JSON is YAML: the same parser gives every node's position.
    const lines = new YAML.LineCounter();
    const doc = YAML.parseDocument(text, { lineCounter: lines });
    return { raw, locate: doc.errors.length ? undefined : documentLocator(doc, lines) };
  }
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length) {
    throw new PlanError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const firstLine = e.message.split('\n')[0];
        return pos ? `invalid YAML at line ${pos.line}, column ${pos.col}: ${firstLine.replace(/ at line \d+, column \d+:?$/, '')}` : `invalid YAML: ${firstLine}`;
      }),
    );
  }
  return { raw: doc.toJS(), locate: documentLocator(doc, lines) };
}

export interface LoadOptions {
  /** `--repo`; the plan's own `repo.path` wins, then this, then the current directory. */
  repo?: string;
  cwd?: string;
}

export async function loadNativePlan(file: string, opts: LoadOptions = {}): Promise<EpicPlan> {
  const cwd = opts.cwd ?? process.cwd();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PlanError(file, [code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`]);
  }
  if (!text.trim()) throw new PlanError(file, ['the file is empty']);
  const { raw, locate } = parsePlanText(text, file);
  const planDir = path.dirname(path.resolve(cwd, file));
  const repoFromPlan = raw && typeof raw === 'object' ? (raw as { repo?: { path?: unknown } }).repo?.path : undefined;
  return normalizePlan(raw, {
    file,
    defaultRepoPath: opts.repo ? path.resolve(cwd, opts.repo) : cwd,
    // A repo path written in the plan is relative to the plan file; --repo is relative to the current directory.
    resolvePath: (p) => path.resolve(typeof repoFromPlan === 'string' ? planDir : cwd, p),
    locate,
  });
}
