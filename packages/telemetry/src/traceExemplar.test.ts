import { context, propagation, trace } from '@opentelemetry/api';
import { AlwaysOffSampler, InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { status } from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetrics } from './metrics';
import { parsePrometheusText } from './parsePrometheusText';
import { traceExemplar } from './traceExemplar';

const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
provider.register();
const tracer = trace.getTracer('test');
const unsampled = new NodeTracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('test');

afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('traceExemplar', () => {
  it('is undefined outside any span', () => {
    expect(traceExemplar()).toBeUndefined();
  });

  it('is the trace id of the active sampled span', () => {
    tracer.startActiveSpan('op', (span) => {
      expect(traceExemplar()).toEqual({ trace_id: span.spanContext().traceId });
      span.end();
    });
  });

  it('is undefined for an unsampled span', () => {
    unsampled.startActiveSpan('op', (span) => {
      expect(traceExemplar()).toBeUndefined();
      span.end();
    });
  });

  it('is what histogram recordings use when no exemplar is given', async () => {
    const metrics = createMetrics('gateway');
    const traceId = tracer.startActiveSpan('request', (span) => {
      metrics.recordHttpRequest('/v1/orgs/{org}', 'GET', 200, 0.07);
      metrics.recordClientCall('account', 'GetOrganization', status.OK, 0.05);
      span.end();
      return span.spanContext().traceId;
    });
    metrics.recordHttpRequest('/v1/orgs/{org}', 'GET', 200, 0.3); // outside any span: no exemplar
    const exemplars = parsePrometheusText(await metrics.registry.metrics()).filter((s) => s.exemplar !== undefined);
    expect(exemplars.map((s) => [s.name, s.labels.le, s.exemplar?.labels.trace_id])).toEqual([
      ['govrnanza_client_call_seconds_bucket', '0.05', traceId],
      ['http_server_request_duration_seconds_bucket', '0.1', traceId],
    ]);
  });
});
