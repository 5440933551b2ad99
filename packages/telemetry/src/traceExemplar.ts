import { TraceFlags, context as otelContext, trace, type Context } from '@opentelemetry/api';

/** Exemplar labels linking a histogram observation to its trace (OpenMetrics exemplars). */
export interface TraceExemplar {
  trace_id: string;
}

/**
 * The exemplar for the span of `context` (default: the active context): its
 * trace id when the span is sampled (an unsampled trace is never exported,
 * so linking to it would dead-end), `undefined` otherwise.
 */
export function traceExemplar(context: Context = otelContext.active()): TraceExemplar | undefined {
  const span = trace.getSpan(context);
  if (span === undefined) return undefined;
  const ctx = span.spanContext();
  return (ctx.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? { trace_id: ctx.traceId } : undefined;
}
