/** Merge-queue messages (DESIGN §2, mergeQueueWorkflow). */

export interface MergeRequest {
  /** Unique per item attempt; a duplicate request with the same id is answered, never merged twice. */
  requestId: string;
  epicId: string;
  itemId: string;
  title: string;
  repoPath: string;
  targetBranch: string;
  branch: string;
  /** Workflow id of the requester, which receives the `mergeResult` signal. */
  replyTo: string;
  mergeGates: string[];
  gateTimeout: string;
  holdRetry: string;
  /** How long the merge activity may go without a heartbeat before another worker takes it over. */
  heartbeatTimeout?: string;
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
  waiting: MergeRequest[];
  recent: { requestId: string; itemId: string; epicId: string; outcome: MergeOutcome['status']; commit?: string; at: number; startedAt: number }[];
}
