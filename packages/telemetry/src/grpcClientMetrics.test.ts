import { status } from '@grpc/grpc-js';
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MISSING_ORG, accountClient, getOrganization, startAccountServer, type RunningAccountServer } from '../fixtures/accountServer';
import { clientMetricsInterceptor } from './grpcClientMetrics';
import { serverMetricsInterceptor } from './grpcServerMetrics';
import { METRIC_CATALOG } from './metricCatalog';
import { createMetrics, type Metrics } from './metrics';
import { parsePrometheusText, type ExpositionSample } from './parsePrometheusText';
import { prometheusText } from './prometheusText';

const GET_ORG = { grpc_service: 'govrnanza.account.v1.AccountService', grpc_method: 'GetOrganization', grpc_type: 'unary' };
const ATTEMPT = { ...GET_ORG, downstream: 'account', service: 'registry' };

const spans = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
provider.register();
const tracer = trace.getTracer('test');

let serverMetrics: Metrics;
let clientMetrics: Metrics;
let server: RunningAccountServer;
let client: ReturnType<typeof accountClient>;

beforeAll(async () => {
  serverMetrics = createMetrics('account');
  server = await startAccountServer([serverMetricsInterceptor(serverMetrics)]);
});

beforeEach(() => {
  clientMetrics = createMetrics('registry');
  client = accountClient(server.port, [clientMetricsInterceptor(clientMetrics, 'account')]);
  spans.reset();
  return () => client.close();
});

afterAll(async () => {
  await server?.close();
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

async function scrape(metrics: Metrics): Promise<ExpositionSample[]> {
  return parsePrometheusText(await prometheusText(metrics.registry));
}

function value(samples: ExpositionSample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('clientMetricsInterceptor', () => {
  it('records each attempt: started, handled by code, latency', async () => {
    expect((await getOrganization(client, 'org-1')).code).toBe(status.OK);
    expect((await getOrganization(client, 'org-2')).code).toBe(status.OK);
    const samples = await scrape(clientMetrics);
    expect(value(samples, 'grpc_client_started_total', ATTEMPT)).toBe(2);
    expect(value(samples, 'grpc_client_handled_total', { ...ATTEMPT, grpc_code: 'OK' })).toBe(2);
    expect(value(samples, 'grpc_client_handling_seconds_count', ATTEMPT)).toBe(2);
    expect(value(samples, 'grpc_client_handling_seconds_sum', ATTEMPT)).toBeGreaterThan(0);
  });

  it('passes an error status through unchanged and counts it under its Go name', async () => {
    expect(await getOrganization(client, MISSING_ORG)).toEqual({ code: status.NOT_FOUND, details: 'no such organisation' });
    expect(value(await scrape(clientMetrics), 'grpc_client_handled_total', { ...ATTEMPT, grpc_code: 'NotFound' })).toBe(1);
  });

  it('counts an attempt that runs out of deadline as DeadlineExceeded', async () => {
    expect((await getOrganization(client, 'slow:300', 50)).code).toBe(status.DEADLINE_EXCEEDED);
    expect(value(await scrape(clientMetrics), 'grpc_client_handled_total', { ...ATTEMPT, grpc_code: 'DeadlineExceeded' })).toBe(1);
  });

  it('counts an attempt to a server that is gone as Unavailable', async () => {
    const gone = await startAccountServer();
    await gone.close();
    const orphan = accountClient(gone.port, [clientMetricsInterceptor(clientMetrics, 'account')]);
    try {
      expect((await getOrganization(orphan, 'org-1', 2000)).code).toBe(status.UNAVAILABLE);
    } finally {
      orphan.close();
    }
    expect(value(await scrape(clientMetrics), 'grpc_client_handled_total', { ...ATTEMPT, grpc_code: 'Unavailable' })).toBe(1);
  });

  it('with the server interceptor, exposes both sides of a real call with the documented labels', async () => {
    await getOrganization(client, 'org-1');
    const sides = [...(await scrape(clientMetrics)), ...(await scrape(serverMetrics))];
    const families = METRIC_CATALOG.filter((m) => m.name.startsWith('grpc_'));
    expect(families).toHaveLength(8);
    for (const spec of families) {
      const name = spec.type === 'histogram' ? `${spec.name}_count` : spec.name;
      const series = sides.filter((s) => s.name === name);
      expect(series.length, spec.name).toBeGreaterThan(0);
      for (const s of series) expect(Object.keys(s.labels).sort(), spec.name).toEqual([...spec.labelNames].sort());
    }
  });

  it('links the latency to the trace of the span active when the call is made', async () => {
    const span = tracer.startSpan('attempt');
    await context.with(trace.setSpan(context.active(), span), () => getOrganization(client, 'org-1'));
    span.end();
    const text = await clientMetrics.registry.metrics();
    const exemplars = parsePrometheusText(text).filter((s) => s.exemplar !== undefined);
    expect(exemplars).toHaveLength(1);
    expect(exemplars[0]).toMatchObject({
      name: 'grpc_client_handling_seconds_bucket',
      labels: ATTEMPT,
      exemplar: { labels: { trace_id: span.spanContext().traceId } },
    });
  });
});
