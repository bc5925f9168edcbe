/** The importers besides the native one, in the order `loadPlan` asks them whether they read a source. */
import type { Importer, SourceKind } from './importer';
import { beadsImporter } from './beads';
import { ccwImporter } from './ccw';

export const IMPORTERS: readonly Importer[] = [beadsImporter, ccwImporter];

export function importerFor(kind: SourceKind): Importer | undefined {
  return IMPORTERS.find((i) => i.kind === kind);
}
