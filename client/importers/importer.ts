/** What every plan source shares: the options of `overseer plan|run` and the importer contract. */
import type { EpicPlan } from '../../common/plan';

export interface SourceOptions {
  /** `--repo`: the repository the plan runs on (native plans may name their own). */
  repo?: string;
  /** `--repo-url`: a git remote the plan runs on instead of a local repository (wins over the plan's own repo). */
  repoUrl?: string;
  /** `--epic`: which epic of a multi-epic source (Beads). */
  epic?: string;
  /** `--session`: which ccw session when a `.workflow` folder has several. */
  session?: string;
  /** `--beads`: read the plan from `bd export` instead of a file. */
  beads?: boolean;
  /** `--ccw <dir>`: a claude-code-workflow session (or a `.workflow` folder), whatever the source looks like. */
  ccw?: string;
  cwd?: string;
  /** The other epics of a multi-epic run (`overseer run a.yaml b.yaml`). */
  otherEpics?: ReadonlySet<string>;
  /** Beads: the other epics of the run, whose children this epic's may wait for. */
  runEpics?: ReadonlySet<string>;
}

export type SourceKind = 'native' | 'beads' | 'ccw';

/** A plan source besides the native format (listed in `registry.ts`). */
export interface Importer {
  kind: SourceKind;
  /** Whether this importer reads the given path (file or folder). */
  accepts(source: string, isDirectory: boolean, head: string): boolean;
  load(source: string | undefined, opts: SourceOptions): Promise<EpicPlan>;
}
