/** Native plans: YAML or JSON with exactly the `EpicPlan` field names (DESIGN §4). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import type { EpicPlan } from '../../common/plan';
import { normalizePlan, PlanError } from '../../common/plan-schema';

/** Parses YAML or JSON text, turning syntax errors into a `PlanError` with the line and column. */
export function parsePlanText(text: string, file: string): unknown {
  if (/\.json$/i.test(file)) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new PlanError(file, [`invalid JSON: ${(err as Error).message}`]);
    }
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
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
  return doc.toJS();
}

export interface LoadOptions {
  /** `--repo`; the plan's own `repo.path` wins, then this, then the current directory. */
  repo?: string;
  cwd?: string;
  /** The other epics of a multi-epic run (a bare `dependsOn` may name one). */
  otherEpics?: ReadonlySet<string>;
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
  const raw = parsePlanText(text, file);
  const planDir = path.dirname(path.resolve(cwd, file));
  const repoFromPlan = raw && typeof raw === 'object' ? (raw as { repo?: { path?: unknown } }).repo?.path : undefined;
  return normalizePlan(raw, {
    file,
    defaultRepoPath: opts.repo ? path.resolve(cwd, opts.repo) : cwd,
    // A repo path written in the plan is relative to the plan file; --repo is relative to the current directory.
    resolvePath: (p) => path.resolve(typeof repoFromPlan === 'string' ? planDir : cwd, p),
    ...(opts.otherEpics && { otherEpics: opts.otherEpics }),
  });
}
