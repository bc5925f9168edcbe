/** The workflow bundle's entry: every workflow type the workers register. */
import { epicWorkflow } from './epic';
import { workItemWorkflow } from './work-item';
import { mergeQueueWorkflow } from './merge-queue';
import { programWorkflow } from './program';
import { pin } from './versioning';

export { epicWorkflow, workItemWorkflow, mergeQueueWorkflow, programWorkflow };

// Worker Versioning (workflows/versioning.ts): all pinned; the long-lived ones move at continue-as-new.
pin(epicWorkflow);
pin(workItemWorkflow);
pin(mergeQueueWorkflow);
pin(programWorkflow);
