/** Registers the write-back handlers of the plan sources that have one (Beads, claude-code-workflow). */
import { registerWriteBack } from './sync';
import { beadsWriteBack } from './sync-beads';
import { ccwWriteBack } from './sync-ccw';

export function registerBuiltInWriteBacks(): void {
  registerWriteBack('beads', beadsWriteBack);
  registerWriteBack('ccw', ccwWriteBack);
}
