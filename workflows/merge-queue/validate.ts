/**
 * What the merge queue accepts by `enqueue` signal (issue 11, point 1). Anything a client sends reaches the
 * handler, so it is checked here, in the workflow: a payload without a request id or reply address is logged and
 * dropped; a request with a bad field is answered at once with an `error` outcome naming it. Nothing a client sends
 * can fail the queue's workflow task.
 */
import { DURATION_PATTERN } from '../../common/durations';
import type { MergeRequest } from '../../common/merge';

export type Checked = { ok: MergeRequest } | { reject: { requestId: string; replyTo: string; message: string } } | { drop: string };

const STRINGS = ['epicId', 'itemId', 'title', 'repoPath', 'targetBranch', 'branch'] as const;
const DURATIONS = ['gateTimeout', 'holdRetry'] as const;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 4096;
const isDuration = (v: unknown) => typeof v === 'string' && DURATION_PATTERN.test(v.trim());

/** The first problem of a request whose id and reply address are fine. */
function problem(r: Record<string, unknown>): string | undefined {
  for (const k of STRINGS) if (!isText(r[k])) return `${k} must be a non-empty string`;
  if (!Array.isArray(r.mergeGates) || !r.mergeGates.every(isText)) return 'mergeGates must be a list of commands';
  for (const k of DURATIONS) if (!isDuration(r[k])) return `${k} must be a duration such as "30s" or "5m" (got ${JSON.stringify(r[k])})`;
  for (const k of ['heartbeatTimeout', 'mergeBatchWait']) if (r[k] !== undefined && !isDuration(r[k])) return `${k} must be a duration such as "2m" (got ${JSON.stringify(r[k])})`;
  const batch = r.mergeBatch;
  if (batch !== undefined && !(typeof batch === 'number' && Number.isInteger(batch) && batch >= 1 && batch <= 100)) return `mergeBatch must be a whole number from 1 to 100 (got ${JSON.stringify(batch)})`;
  return undefined;
}

export function checkRequest(raw: unknown): Checked {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { drop: `not a merge request: ${JSON.stringify(raw)?.slice(0, 200)}` };
  const r = raw as Record<string, unknown>;
  if (!isText(r.requestId) || !isText(r.replyTo)) return { drop: 'a merge request needs a requestId and a replyTo (strings)' };
  const why = problem(r);
  if (why) return { reject: { requestId: r.requestId, replyTo: r.replyTo, message: `invalid merge request: ${why}` } };
  return { ok: r as unknown as MergeRequest };
}
