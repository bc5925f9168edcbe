/** Registers the write-back handlers of the plan sources that have one (Beads, claude-code-workflow). */
export function registerBuiltInWriteBacks(): void {
  // Filled in by the Beads and ccw importers.
}
