/** Merge-queue messages (DESIGN §2, mergeQueueWorkflow). */

export interface MergeRequest {
  /** Unique per item attempt; a duplicate request with the same id is answered, never merged twice. */
  requestId: string;
  epicId: string;
  itemId: string;
  title: string;
  /** The local repository; for a request on a remote, its URL (shown by `overseer queue`). */
  repoPath: string;
  /** A git remote (issue 12): the queue merges on a host's mirror of it and publishes by compare-and-swap push. */
  url?: string;
  targetBranch: string;
  branch: string;
  /** Workflow id of the requester, which receives the `mergeResult` signal. */
  replyTo: string;
  mergeGates: string[];
  gateTimeout: string;
  holdRetry: string;
  /** How long the merge activity may go without a heartbeat before another worker takes it over. */
  heartbeatTimeout?: string;
  /** The largest batch the queue may test at once (`settings.mergeBatch.max`; 1 merges one at a time). Default 8. */
  mergeBatch?: number;
  /** With merge gates, how long a batch that is not full waits for more (`settings.mergeBatch.wait`). Default 1s. */
  mergeBatchWait?: string;
}

/** A merge gate's failure, as reported to the item whose change failed it. */
export interface GateFailure {
  gate: string;
  outputTail: string;
  logPath: string;
}

/** Input of the `mergeStack` activity: requests in queue order, for one target branch with the same merge gates. */
export interface StackInput {
  requests: MergeRequest[];
  /** A bisection step proved that this stack fails the gates on `tip`: while the target is still there, the
   *  activity reports that failure instead of running the gates again. */
  knownFailure?: { tip: string; failure: GateFailure };
  /** The stack passed the gates on `tip` (a probe of a bisection): while the target is still there, publish it
   *  without running them again. */
  knownGood?: { tip: string };
  /** false: a probe of a bisection, run in parallel with others; the stack is tested, never published. */
  publish?: boolean;
}

export interface StackResult {
  /** The target's tip the stack was built on. */
  base: string;
  /** Requests whose fate is decided, in request order (merged, already merged, conflict, error...). */
  outcomes: { requestId: string; outcome: MergeOutcome }[];
  /** Requests stacked, in order: merged when `stack.status` is merged, otherwise still waiting. */
  stacked: string[];
  stack:
    | { status: 'merged'; tip: string }
    | { status: 'passed'; tip: string }
    | ({ status: 'gate_failed' } & GateFailure)
    | { status: 'held'; reason: string }
    | { status: 'none' };
}

export type MergeOutcome =
  | { status: 'merged'; commit: string; alreadyMerged: boolean }
  | { status: 'conflict'; files: string[]; targetTip: string }
  | { status: 'gate_failed'; gate: string; outputTail: string; logPath: string }
  | { status: 'held'; reason: string }
  | { status: 'error'; message: string };

export interface MergeResult {
  requestId: string;
  outcome: MergeOutcome;
  startedAt: number;
  finishedAt: number;
}

export interface MergeQueueStatus {
  repoKey: string;
  repoPath: string;
  current?: { request: MergeRequest; since: number; note?: string };
  /** The requests under test together (the head first), when more than one; `bisecting` while a culprit is sought. */
  batch?: { itemIds: string[]; size: number; bisecting: boolean };
  waiting: MergeRequest[];
  recent: { requestId: string; itemId: string; epicId: string; outcome: MergeOutcome['status']; commit?: string; at: number; startedAt: number }[];
}
