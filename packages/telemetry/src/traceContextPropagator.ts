import { trace, TraceFlags, type Context, type TextMapSetter } from '@opentelemetry/api';
import { isTracingSuppressed, TRACE_PARENT_HEADER, TRACE_STATE_HEADER, W3CTraceContextPropagator } from '@opentelemetry/core';
import { hasValidIds } from './unsampledChildren';

/**
 * W3C trace context propagation, as @opentelemetry/core's propagator does it,
 * with the span ids checked by `hasValidIds` when a traceparent is written:
 * the library's own check loops over the 48 characters, and in the services
 * each `charCodeAt` load went through V8's generic load IC (registry, 1 % tracing:
 * 101 IC calls and 12.5 K instructions per request from `inject`, measured
 * with `npm run bench -- --instructions` and `instructionsSummary.ts
 * --callers`). Extraction, and everything else, is the library's. A test
 * checks that both write the same headers for every kind of span context.
 */
export class TraceContextPropagator extends W3CTraceContextPropagator {
  override inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(context);
    if (!spanContext || isTracingSuppressed(context) || !hasValidIds(spanContext)) return;
    const flags = Number(spanContext.traceFlags || TraceFlags.NONE).toString(16);
    setter.set(carrier, TRACE_PARENT_HEADER, `00-${spanContext.traceId}-${spanContext.spanId}-0${flags}`);
    if (spanContext.traceState) setter.set(carrier, TRACE_STATE_HEADER, spanContext.traceState.serialize());
  }
}
