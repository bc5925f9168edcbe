/**
 * `setHandler` with the handler's description (common/api.ts HANDLER_DESCRIPTIONS) for the Web UI and the
 * `__temporal_workflow_metadata` query. A drop-in for the SDK's: descriptions are not in the history.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import {
  setHandler as sdkSetHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { HANDLER_DESCRIPTIONS } from '../common/api';

export function handlerDescription(workflowType: string, kind: string, name: string): string | undefined {
  return HANDLER_DESCRIPTIONS[workflowType]?.[`${kind}:${name}`];
}

export const setHandler: typeof sdkSetHandler = (def: any, handler: any, options?: any): void => {
  const description = handlerDescription(workflowInfo().workflowType, def.type, def.name);
  sdkSetHandler(def, handler, { ...(description && { description }), ...options });
};
