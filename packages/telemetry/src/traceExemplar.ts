import { TraceFlags, trace } from '@opentelemetry/api';

/** Exemplar labels linking a histogram observation to its trace (OpenMetrics exemplars). */
export interface TraceExemplar {
  trace_id: string;
}

/**
 * The exemplar for the active span: its trace id when the span is sampled
 * (an unsampled trace is never exported, so linking to it would dead-end),
 * `undefined` otherwise.
 */
export function traceExemplar(): TraceExemplar | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const ctx = span.spanContext();
  return (ctx.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? { trace_id: ctx.traceId } : undefined;
}
