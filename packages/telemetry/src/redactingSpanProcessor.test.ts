import { SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { RedactingSpanProcessor } from './redactingSpanProcessor';

const IDENTIFYING = {
  'client.address': '203.0.113.7',
  'client.port': 51234,
  'network.peer.address': '203.0.113.7',
  'network.peer.port': 51234,
  'user_agent.original': 'Mozilla/5.0',
  'url.query': 'q=alice',
};

describe('RedactingSpanProcessor', () => {
  it('removes what identifies the caller from server spans, keeps the rest, and leaves client spans alone', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new RedactingSpanProcessor(), new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('test');
    tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: { ...IDENTIFYING, 'http.route': '/v1/orgs/{org}' } }).end();
    tracer.startSpan('grpc', { kind: SpanKind.CLIENT, attributes: { 'network.peer.address': '10.0.0.5' } }).end();
    const [server, client] = exporter.getFinishedSpans();
    expect(server?.attributes).toEqual({ 'http.route': '/v1/orgs/{org}' });
    expect(client?.attributes).toEqual({ 'network.peer.address': '10.0.0.5' });
  });
});
