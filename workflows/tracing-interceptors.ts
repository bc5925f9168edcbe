/**
 * The OpenTelemetry workflow interceptors of the bundle (workers/bundle.ts), as the SDK's package has them except
 * that queries and update validators make no span. Those two run only live, never when a history is replayed, and
 * a span there is not free: it draws the span's ids from the workflow's seeded random numbers (sdk-typescript#2023),
 * and the validator checks an SDK flag (`OpenTelemetryInterceptorsInstrumentsAllMethods`) that is then taken as
 * recorded, though a rejected update's workflow task is dropped by the server with the flag in it. The update
 * accepted after that ran through a traced handler live but an untraced one in replay, whose fewer awaits put the
 * update's completion before a timer's cancellation: "Update machine does not handle this event: TimerCanceled"
 * (seen in test/browser/dashboard.test.ts, where an empty answer is refused before the real one).
 */
import type { Next, QueryInput, UpdateInput, WorkflowInboundCallsInterceptor, WorkflowInterceptorsFactory } from '@temporalio/workflow';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';

class ReplaySafeInboundInterceptor extends OpenTelemetryInboundInterceptor {
  override handleQuery(input: QueryInput, next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>): Promise<unknown> {
    return next(input);
  }

  override validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    next(input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new ReplaySafeInboundInterceptor()],
  outbound: [new OpenTelemetryOutboundInterceptor()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
