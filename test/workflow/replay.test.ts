/**
 * Replay safety: every recorded history in test/histories/ (see scripts/record-histories.ts) must replay against
 * the current workflow code without a determinism error, so a non-deterministic change fails CI. `tracing-order`
 * is an item recorded by test/e2e/tracing.test.ts whose merge result and a report's delivery came in one workflow
 * task: the order of the timer's cancellation and the next report depends on the interceptors' awaits, and a bundle
 * without the OpenTelemetry interceptors does not replay it (workers/bundle.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { UNTRACED_SINKS, workflowBundle } from '../../workers/bundle';

const DIR = fileURLToPath(new URL('../histories/', import.meta.url));

try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  /* installed already */
}

const scenarios = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe('replay of recorded histories', () => {
  it('has the representative scenarios recorded', () => {
    for (const s of ['plain', 'question', 'review-rejection', 'conflict', 'crash-recovery', 'cancel', 'retry', 'skip', 'approval', 'validation', 'continue-as-new', 'merge-batches', 'merged-before-cleanup', 'fewer-round-trips', 'batch-wait', 'program', 'host-move', 'tracing-order', 'epic-history-limit', 'program-continue-as-new', 'quiet-passing-states', 'merged-end-unreported']) assert.ok(scenarios.includes(s), `test/histories/${s} is recorded`);
  });
  for (const scenario of scenarios) {
    it(`replays ${scenario}`, async () => {
      const files = readdirSync(path.join(DIR, scenario)).filter((f) => f.endsWith('.json'));
      assert.ok(files.length > 0);
      const histories = files.map((f) => JSON.parse(readFileSync(path.join(DIR, scenario, f), 'utf8')) as { workflowId: string; history: unknown });
      let replayed = 0;
      // The bundle every worker runs, tracing on or off (with its span sink, never called during replay).
      const options = { workflowBundle: await workflowBundle(), sinks: UNTRACED_SINKS };
      for await (const r of Worker.runReplayHistories(options, histories.map((h) => ({ workflowId: h.workflowId, history: h.history })))) {
        assert.equal(r.error, undefined, `${r.workflowId}: ${r.error?.message}`);
        replayed++;
      }
      assert.equal(replayed, histories.length);
    });
  }
});
