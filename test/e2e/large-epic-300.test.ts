/**
 * The 300-item epic at Temporal's real limits, with an instant simulated agent (about 3 minutes here, so it runs
 * in CI): it completes, every item merges exactly once, and no run of any workflow goes over 10,000 history
 * events — the merge queue continues-as-new when the server suggests it (at 4,096 events), the epic already past
 * EPIC_HISTORY_EVENTS (so a replay of its history fits in a workflow task).
 * `bench/large-epic.ts` runs the same thing and prints the figures.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { useTemporal } from '../helpers/temporal';
import { runLargeEpic } from '../helpers/large-epic';
import { EPIC_HISTORY_EVENTS } from '../../workflows/epic-continue-as-new';

let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { workers: { maxSessions: 8 } });

describe('a 300-item epic', () => {
  it('completes with no workflow run over 10,000 history events', async () => {
    const r = await runLargeEpic(env, 300, 'big');
    console.log(`300-item epic: ${r.seconds.toFixed(1)} s, ${r.runs} runs, largest history ${r.largestHistory} events, epic runs ${r.epicRuns}, queue runs ${r.queueRuns}`);
    assert.equal(r.result.phase, 'completed');
    assert.equal(r.merged, 300);
    assert.equal(r.mergeCommits, 300);
    assert.ok(r.largestHistory <= 10_000, `largest run has ${r.largestHistory} events`);
    assert.ok(r.epicRuns > 1, 'the epic continued as new');
    // It continues at its first wake past the limit, once its handlers are done: a pass adds a few dozen events.
    assert.ok(r.largestByType.epicWorkflow <= EPIC_HISTORY_EVENTS + 500, `the epic's largest run has ${r.largestByType.epicWorkflow} events`);
  });
});
