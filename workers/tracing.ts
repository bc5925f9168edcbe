/**
 * OpenTelemetry tracing (issue 16), for workers and the CLI. Only types are imported here: nothing of
 * OpenTelemetry (nor the SDK's native worker) is loaded unless tracing is on.
 */
import type { ClientInterceptors } from '@temporalio/client';
import type { WorkerOptions as SdkWorkerOptions } from '@temporalio/worker';
import { activitySummary } from '../common/activity-summaries';

/** Tracing of a process (a worker or the CLI), on when OTEL_EXPORTER_OTLP_ENDPOINT is set (startTracing). */
export interface Tracing {
  /** Worker options: spans of activities (and their trace ids in activity logs), and the sink of workflow spans. */
  worker: Pick<SdkWorkerOptions, 'interceptors' | 'sinks'>;
  /** Client interceptors: spans of starting, signalling and querying workflows, whose context travels in headers. */
  client: ClientInterceptors;
  /** Exports the spans still buffered and stops the exporter (call it once the workers have stopped). */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry tracing through the SDK's interceptors package, when OTEL_EXPORTER_OTLP_ENDPOINT is set (else
 * undefined, and nothing of OpenTelemetry is loaded). Spans go over OTLP/HTTP (JSON) to
 * `$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces`; the exporter's other OTEL_* variables (headers, timeouts,
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES apply.
 *
 * Workflow spans are made inside the workflow sandbox by the package's workflow interceptors (without spans of
 * queries and update validators: workflows/tracing-interceptors.ts), which the bundle carries whether tracing is on
 * or not (workers/bundle.ts), and leave it through the `exporter` sink (never called during replay); activity spans
 * by the activity interceptors. Both share one batch processor and resource.
 */
export async function startTracing(opts: { serviceName: string; serviceVersion: string }): Promise<Tracing | undefined> {
  const env = process.env;
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return undefined;
  const [{ NodeSDK, api, resources, tracing }, { OTLPTraceExporter }, otel] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@temporalio/interceptors-opentelemetry'),
  ]);
  const resource = resources.Resource.default()
    .merge(new resources.Resource({ 'service.name': env.OTEL_SERVICE_NAME || opts.serviceName, 'service.version': opts.serviceVersion }))
    .merge(resources.detectResourcesSync({ detectors: [resources.envDetectorSync, resources.hostDetectorSync, resources.processDetectorSync] }));
  const processor = new tracing.BatchSpanProcessor(new OTLPTraceExporter());
  // No logs or metrics through OpenTelemetry (the SDK's Runtime serves the metrics): traces only.
  const sdk = new NodeSDK({ resource, autoDetectResources: false, spanProcessors: [processor], logRecordProcessors: [] });
  sdk.start();
  return {
    worker: {
      interceptors: {
        activity: [
          (ctx) => ({ inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx), outbound: new otel.OpenTelemetryActivityOutboundInterceptor(ctx) }),
          // Inside the span above: what the activity does, as the Web UI's summary says it (`implement auth-3`).
          (ctx) => ({
            inbound: {
              execute(input, next) {
                const what = activitySummary(ctx.info.activityType, input.args);
                if (what) api.trace.getActiveSpan()?.setAttribute('overseer.summary', what);
                return next(input);
              },
            },
          }),
        ],
      },
      sinks: { exporter: otel.makeWorkflowExporter(processor, resource) },
    },
    client: { workflow: [new otel.OpenTelemetryWorkflowClientInterceptor()] },
    shutdown: () => sdk.shutdown(),
  };
}
