/**
 * Replay safety: every recorded history in test/histories/ (see scripts/record-histories.ts) must replay against
 * the current workflow code without a determinism error, so a non-deterministic change fails CI.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { workflowBundle } from '../../workers/bundle';

const DIR = fileURLToPath(new URL('../histories/', import.meta.url));

try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  /* installed already */
}

const scenarios = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe('replay of recorded histories', () => {
  it('has the representative scenarios recorded', () => {
    for (const s of ['plain', 'question', 'review-rejection', 'conflict', 'crash-recovery', 'cancel', 'retry', 'skip', 'approval', 'validation', 'continue-as-new', 'merge-batches', 'merged-before-cleanup', 'fewer-round-trips', 'batch-wait', 'program', 'host-move']) assert.ok(scenarios.includes(s), `test/histories/${s} is recorded`);
  });
  // With tracing off (the bundle every worker runs) and on (the bundle with the OpenTelemetry workflow
  // interceptors, OTEL_EXPORTER_OTLP_ENDPOINT set): turning tracing on or off is never a determinism change.
  for (const tracing of [false, true]) {
    for (const scenario of scenarios) {
      it(`replays ${scenario}${tracing ? ' with tracing on' : ''}`, async () => {
        const files = readdirSync(path.join(DIR, scenario)).filter((f) => f.endsWith('.json'));
        assert.ok(files.length > 0);
        const histories = files.map((f) => JSON.parse(readFileSync(path.join(DIR, scenario, f), 'utf8')) as { workflowId: string; history: unknown });
        const bundle = await workflowBundle({ tracing });
        // The workflow span sink, as a tracing worker registers it (never called during replay).
        const sinks = tracing ? { exporter: { export: { fn: () => undefined } } } : undefined;
        let replayed = 0;
        for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, sinks }, histories.map((h) => ({ workflowId: h.workflowId, history: h.history })))) {
          assert.equal(r.error, undefined, `${r.workflowId}: ${r.error?.message}`);
          replayed++;
        }
        assert.equal(replayed, histories.length);
      });
    }
  }
});
