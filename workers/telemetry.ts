/**
 * The worker process's telemetry (issue 16): the SDK's Runtime with a Prometheus endpoint (`--metrics-port`)
 * that serves the SDK's metrics and Overseer's own (recorded through the same meter: activities/metrics.ts,
 * workflows/metrics.ts). Tracing: workers/tracing.ts.
 */
import { Runtime } from '@temporalio/worker';

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };

let installed = false;

/** Installs the Runtime once per process; `metricsPort` serves `/metrics` on `metricsHost` (default 0.0.0.0). */
export function installRuntime(opts: { metricsPort?: number; metricsHost?: string; quiet?: boolean } = {}): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    ...(opts.quiet && { logger: quietLogger }),
    ...(opts.metricsPort !== undefined && {
      telemetryOptions: { metrics: { prometheus: { bindAddress: `${opts.metricsHost ?? '0.0.0.0'}:${opts.metricsPort}`, countersTotalSuffix: true, unitSuffix: true } } },
    }),
  });
}
