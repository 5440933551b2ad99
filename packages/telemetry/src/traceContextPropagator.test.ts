import { defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, trace, type Context, type SpanContext } from '@opentelemetry/api';
import { suppressTracing, TraceState, W3CTraceContextPropagator } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { TraceContextPropagator } from './traceContextPropagator';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

function contexts(): [string, Context][] {
  const out: [string, Context][] = [['no span', ROOT_CONTEXT]];
  const header = `00-${TRACE}-${SPAN}-01`;
  const traceIds = [TRACE, TRACE.toUpperCase(), header.slice(3, 35), '0'.repeat(32), TRACE.slice(1), `${TRACE.slice(0, 31)}z`];
  const spanIds = [SPAN, header.slice(36, 52), '0'.repeat(16), `${SPAN}0`];
  for (const traceId of traceIds) {
    for (const spanId of spanIds) {
      for (const traceFlags of [0, 1, 2, 255]) {
        for (const traceState of [undefined, new TraceState('vendor=abc,other=1')]) {
          const span: SpanContext = { traceId, spanId, traceFlags, ...(traceState ? { traceState } : {}) };
          out.push([JSON.stringify({ traceId, spanId, traceFlags, state: traceState?.serialize() }), trace.setSpanContext(ROOT_CONTEXT, span)]);
        }
      }
    }
  }
  out.push(['suppressed', suppressTracing(trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: SPAN, traceFlags: 1 }))]);
  return out;
}

describe('TraceContextPropagator', () => {
  const library = new W3CTraceContextPropagator();
  const ours = new TraceContextPropagator();

  it("writes the same headers as the library's propagator, for every kind of span context", () => {
    let written = 0;
    for (const [label, ctx] of contexts()) {
      const a: Record<string, string> = {};
      const b: Record<string, string> = {};
      library.inject(ctx, a, defaultTextMapSetter);
      ours.inject(ctx, b, defaultTextMapSetter);
      expect(b, label).toEqual(a);
      if (a.traceparent !== undefined) written++;
    }
    // Valid: 3 trace ids × 2 span ids × 4 flags × 2 trace states.
    expect(written).toBe(48);
  });

  it("reads as the library's does, and what it writes reads back", () => {
    const sent: Record<string, string> = {};
    ours.inject(trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: SPAN, traceFlags: 1, traceState: new TraceState('vendor=abc') }), sent, defaultTextMapSetter);
    expect(sent).toEqual({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'vendor=abc' });
    const read = trace.getSpanContext(ours.extract(ROOT_CONTEXT, sent, defaultTextMapGetter))!;
    expect(read).toMatchObject({ traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
    expect(read.traceState?.serialize()).toBe('vendor=abc');
    expect(ours.fields()).toEqual(library.fields());
  });
});
