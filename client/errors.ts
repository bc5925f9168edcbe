/** Errors a person reads: never empty, never a bare SDK class name. */

/** A problem the person can act on; printed as it is. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** The message of any error, with the SDK's empty ones (WorkflowNotFoundError) turned into words. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'WorkflowNotFoundError') {
    const id = (err as { workflowId?: string }).workflowId;
    return `no workflow ${id ?? ''} on this server${err.message ? ` (${err.message})` : ''}; \`overseer list --all\` shows the epics it knows`.replace('  ', ' ');
  }
  return err.message || err.name;
}

/** Temporal's "(type: Error, retryable: true)" suffix of a failure raised by an update validator, removed. */
export function cleanFailureMessage(message: string): string {
  return message.replace(/\s*\(type: \w+, retryable: (?:true|false)\)\s*$/, '');
}
