import { context, propagation, trace } from '@opentelemetry/api';
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
  it('adds an event to the active recording span', () => {
    tracer.startActiveSpan('call', (span) => {
      spanEvent('retry', { 'govrnanza.attempt': 2 });
      spanEvent('breaker.open', () => ({ 'govrnanza.downstream': 'account' }));
      spanEvent('bare');
      span.end();
    });
    const [span] = exporter.getFinishedSpans();
    expect(span?.events.map((e) => [e.name, e.attributes])).toEqual([
      ['retry', { 'govrnanza.attempt': 2 }],
      ['breaker.open', { 'govrnanza.downstream': 'account' }],
      ['bare', {}],
    ]);
  });

  it('does nothing, and computes nothing, when the span does not record', () => {
    const compute = vi.fn(() => ({ 'govrnanza.attempt': 1 }));
    unsampled.startActiveSpan('call', (span) => {
      spanEvent('retry', compute);
      span.end();
    });
    spanEvent('outside any span', compute);
    expect(compute).not.toHaveBeenCalled();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});

describe('setSpanAttributes', () => {
  it('sets attributes on the active recording span', () => {
    tracer.startActiveSpan('call', (span) => {
      setSpanAttributes({ 'govrnanza.degraded': true });
      setSpanAttributes(() => ({ 'govrnanza.degraded.part': 'owners' }));
      span.end();
    });
    expect(exporter.getFinishedSpans()[0]?.attributes).toEqual({ 'govrnanza.degraded': true, 'govrnanza.degraded.part': 'owners' });
  });

  it('computes nothing when the span does not record', () => {
    const compute = vi.fn(() => ({ 'govrnanza.degraded': true }));
    unsampled.startActiveSpan('call', (span) => {
      setSpanAttributes(compute);
      span.end();
    });
    setSpanAttributes(compute);
    expect(compute).not.toHaveBeenCalled();
  });
});
