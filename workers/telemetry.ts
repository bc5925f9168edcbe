/**
 * The worker process's telemetry (issue 16): the SDK's Runtime with a Prometheus endpoint (`--metrics-port`)
 * that serves the SDK's metrics and Overseer's own (recorded through the same meter: activities/metrics.ts,
 * workflows/metrics.ts), and OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set (only loaded then).
 */
import { Runtime, type WorkerOptions as SdkWorkerOptions } from '@temporalio/worker';

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

/**
 * Worker options for OpenTelemetry tracing of activities when OTEL_EXPORTER_OTLP_ENDPOINT is set, through the
 * SDK's interceptors package — an optional dependency, loaded only then: `npm install
 * @temporalio/interceptors-opentelemetry@1.24.0 @opentelemetry/sdk-node @opentelemetry/exporter-trace-otlp-http`.
 * (Workflow spans would need the package's workflow interceptors inside the bundle; not done.)
 */
export async function tracingOptions(env: NodeJS.ProcessEnv = process.env): Promise<Pick<SdkWorkerOptions, 'interceptors'>> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return {};
  const load = (name: string) => import(name) as Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    const [otel, sdkNode, otlp] = await Promise.all([load('@temporalio/interceptors-opentelemetry'), load('@opentelemetry/sdk-node'), load('@opentelemetry/exporter-trace-otlp-http')]);
    const sdk = new sdkNode.NodeSDK({ serviceName: env.OTEL_SERVICE_NAME ?? 'overseer-worker', traceExporter: new otlp.OTLPTraceExporter() });
    sdk.start();
    return { interceptors: { activity: [(ctx: unknown) => ({ inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx) })] } };
  } catch (err) {
    console.warn(`OTEL_EXPORTER_OTLP_ENDPOINT is set but tracing is off: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
}
