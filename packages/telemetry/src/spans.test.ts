import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AlwaysOffSampler, InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { setSpanAttributes, spanEvent } from './spans';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const tracer = trace.getTracer('test');
const unsampled = new NodeTracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('test');

beforeEach(() => exporter.reset());
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('spanEvent', () => {
  it("adds an event to the context's recording span", () => {
    const span = tracer.startSpan('call');
    const ctx = trace.setSpan(ROOT_CONTEXT, span);
    spanEvent(ctx, 'retry', { 'govrnanza.attempt': 2 });
    spanEvent(ctx, 'breaker.open', () => ({ 'govrnanza.downstream': 'account' }));
    spanEvent(ctx, 'bare');
    span.end();
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.events.map((e) => [e.name, e.attributes])).toEqual([
      ['retry', { 'govrnanza.attempt': 2 }],
      ['breaker.open', { 'govrnanza.downstream': 'account' }],
      ['bare', {}],
    ]);
  });

  it('does nothing, and computes nothing, when the span does not record', () => {
    const compute = vi.fn(() => ({ 'govrnanza.attempt': 1 }));
    const span = unsampled.startSpan('call');
    spanEvent(trace.setSpan(ROOT_CONTEXT, span), 'retry', compute);
    span.end();
    spanEvent(ROOT_CONTEXT, 'outside any span', compute);
    expect(compute).not.toHaveBeenCalled();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});

describe('setSpanAttributes', () => {
  it("sets attributes on the context's recording span", () => {
    const span = tracer.startSpan('call');
    const ctx = trace.setSpan(ROOT_CONTEXT, span);
    setSpanAttributes(ctx, { 'govrnanza.degraded': true });
    setSpanAttributes(ctx, () => ({ 'govrnanza.degraded.part': 'owners' }));
    span.end();
    expect(exporter.getFinishedSpans()[0]?.attributes).toEqual({ 'govrnanza.degraded': true, 'govrnanza.degraded.part': 'owners' });
  });

  it('computes nothing when the span does not record', () => {
    const compute = vi.fn(() => ({ 'govrnanza.degraded': true }));
    const span = unsampled.startSpan('call');
    setSpanAttributes(trace.setSpan(ROOT_CONTEXT, span), compute);
    span.end();
    setSpanAttributes(ROOT_CONTEXT, compute);
    expect(compute).not.toHaveBeenCalled();
  });
});
