/** The workflow bundle's entry: every workflow type the workers register. */
export { epicWorkflow } from './epic';
export { workItemWorkflow } from './work-item';
export { mergeQueueWorkflow } from './merge-queue';
export { programWorkflow } from './program';
