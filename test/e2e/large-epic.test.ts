/**
 * Long epics continue-as-new and lose nothing. With the server's continue-as-new suggestion lowered to 400 events,
 * a 60-item epic makes the epic and the merge queue continue-as-new several times mid-stream; every item still
 * merges exactly once and no run grows past the threshold plus one batch. The 300-item run at the real thresholds
 * is test/e2e/large-epic-300.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { useTemporal } from '../helpers/temporal';
import { runLargeEpic } from '../helpers/large-epic';

const SUGGEST_AT = 400;
let env: TestWorkflowEnvironment;
useTemporal((e) => (env = e), { serverArgs: ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_AT}`], workers: { maxSessions: 6 } });

describe('long epics', () => {
  it('continues the epic and the merge queue as new mid-stream without losing an item', async () => {
    const r = await runLargeEpic(env, 60, 'long');
    assert.equal(r.result.phase, 'completed');
    assert.equal(r.merged, 60);
    assert.equal(r.mergeCommits, 60);
    assert.ok(r.epicRuns > 1, `the epic continued as new (${r.epicRuns} runs)`);
    assert.ok(r.queueRuns > 1, `the merge queue continued as new (${r.queueRuns} runs)`);
    assert.ok(r.largestHistory < SUGGEST_AT * 2, `largest run ${r.largestHistory} events`);
  });
});
