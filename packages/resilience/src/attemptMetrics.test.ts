/**
 * Per-attempt client metrics as the services record them: telemetry's
 * `attemptMetrics` given to a downstream, every attempt reported by
 * `unaryCall`, against a real server whose handler records the server side.
 */
import { status } from '@grpc/grpc-js';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { account } from '@govrnanza/contracts';
import { CancellationSource, createCallContext, createLogger, ServiceError, type CallContext } from '@govrnanza/runtime';
import {
  attemptMetrics,
  createMetrics,
  instrumentHandler,
  METRIC_CATALOG,
  parsePrometheusText,
  prometheusText,
  type ExpositionSample,
  type Metrics,
} from '@govrnanza/telemetry';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MISSING_ORG, startAccountServer, type RunningAccountServer } from '../../telemetry/fixtures/accountServer';
import { createDownstream, type Downstream } from './downstream';
import type { DownstreamPolicyOptions } from './options';

const GET_ORG = { grpc_service: 'govrnanza.account.v1.AccountService', grpc_method: 'GetOrganization', grpc_type: 'unary' };
const ATTEMPT = { ...GET_ORG, downstream: 'account', service: 'registry' };

const spans = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
provider.register({ propagator: new W3CTraceContextPropagator() });
const log = createLogger('registry', 'silent');

let serverMetrics: Metrics;
let clientMetrics: Metrics;
let server: RunningAccountServer;
const opened: Downstream<typeof account.AccountServiceService>[] = [];

beforeAll(async () => {
  serverMetrics = createMetrics('account');
  server = await startAccountServer((path, handler) => instrumentHandler(path, handler, serverMetrics));
});

beforeEach(() => {
  clientMetrics = createMetrics('registry');
  spans.reset();
});

afterAll(async () => {
  opened.forEach((d) => d.close());
  await server?.close();
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

function downstream(port: number, mode: 'none' | 'code' = 'none', policy: Partial<DownstreamPolicyOptions> = {}) {
  const ds = createDownstream({
    caller: 'registry',
    downstream: 'account',
    address: `127.0.0.1:${port}`,
    definition: account.AccountServiceService,
    mode,
    policy,
    attempts: attemptMetrics(clientMetrics, 'account'),
  });
  opened.push(ds);
  return ds;
}

const ctxWith = (budgetMs: number, parent = context.active()): CallContext =>
  createCallContext({ requestId: 'r1', deadline: Date.now() + budgetMs, cancellation: new CancellationSource(), log, method: 'test', trace: parent });

/** The status code a call ended with (the downstream rejects with a ServiceError). */
async function codeOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return status.OK;
  } catch (err) {
    return err instanceof ServiceError ? err.code : -1;
  }
}

async function scrape(metrics: Metrics): Promise<ExpositionSample[]> {
  return parsePrometheusText(await prometheusText(metrics.registry));
}

function value(samples: ExpositionSample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('attempt metrics', () => {
  it('records each attempt: started, handled by code, latency', async () => {
    const ds = downstream(server.port);
    expect(await codeOf(ds.getOrganization({ orgId: 'org-1' }, ctxWith(2000)))).toBe(status.OK);
    expect(await codeOf(ds.getOrganization({ orgId: 'org-2' }, ctxWith(2000)))).toBe(status.OK);
    const samples = await scrape(clientMetrics);
    expect(value(samples, 'grpc_client_started_total', ATTEMPT)).toBe(2);
    expect(value(samples, 'grpc_client_handled_total', { ...ATTEMPT, grpc_code: 'OK' })).toBe(2);
    expect(value(samples, 'grpc_client_handling_seconds_count', ATTEMPT)).toBe(2);
    expect(value(samples, 'grpc_client_handling_seconds_sum', ATTEMPT)).toBeGreaterThan(0);
  });

  it('counts an error status under its Go name', async () => {
    const ds = downstream(server.port);
    expect(await codeOf(ds.getOrganization({ orgId: MISSING_ORG }, ctxWith(2000)))).toBe(status.NOT_FOUND);
    expect(value(await scrape(clientMetrics), 'grpc_client_handled_total', { ...ATTEMPT, grpc_code: 'NotFound' })).toBe(1);
  });

  it('counts an attempt that runs out of deadline as DeadlineExceeded', async () => {
    const ds = downstream(server.port);
    expect(await codeOf(ds.getOrganization({ orgId: 'slow:300' }, ctxWith(50)))).toBe(status.DEADLINE_EXCEEDED);
    expect(value(await scrape(clientMetrics), 'grpc_client_handled_total', { ...ATTEMPT, grpc_code: 'DeadlineExceeded' })).toBe(1);
  });

  it('counts an attempt to a server that is gone as Unavailable', async () => {
    const gone = await startAccountServer();
    await gone.close();
    expect(await codeOf(downstream(gone.port).getOrganization({ orgId: 'org-1' }, ctxWith(2000)))).toBe(status.UNAVAILABLE);
    expect(value(await scrape(clientMetrics), 'grpc_client_handled_total', { ...ATTEMPT, grpc_code: 'Unavailable' })).toBe(1);
  });

  it('counts a call retried by the policies once per attempt, and once as a logical call', async () => {
    const ds = downstream(server.port, 'code', { attemptTimeoutMs: 60, maxRetries: 2, backoffInitialMs: 1, backoffMaxMs: 5 });
    expect(await codeOf(ds.getOrganization({ orgId: 'slow:400' }, ctxWith(3000)))).toBe(status.DEADLINE_EXCEEDED);
    const samples = await scrape(clientMetrics);
    expect(value(samples, 'grpc_client_started_total', ATTEMPT)).toBe(3);
    expect(value(samples, 'grpc_client_handled_total', { ...ATTEMPT, grpc_code: 'DeadlineExceeded' })).toBe(3);
  });

  it('with the server side, exposes both sides of a real call with the documented labels', async () => {
    await downstream(server.port).getOrganization({ orgId: 'org-1' }, ctxWith(2000));
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

  it("links the latency to the trace of the attempt's client span when it is sampled", async () => {
    const parent = trace.getTracer('test').startSpan('handler');
    await downstream(server.port).getOrganization({ orgId: 'org-1' }, ctxWith(2000, trace.setSpan(context.active(), parent)));
    parent.end();
    const exemplars = parsePrometheusText(await clientMetrics.registry.metrics()).filter((s) => s.exemplar !== undefined);
    expect(exemplars).toHaveLength(1);
    expect(exemplars[0]).toMatchObject({
      name: 'grpc_client_handling_seconds_bucket',
      labels: ATTEMPT,
      exemplar: { labels: { trace_id: parent.spanContext().traceId } },
    });
    // The server's span is a child of the attempt's client span, in the same trace.
    const client = spans.getFinishedSpans().find((s) => s.kind === 2 && s.name.endsWith('/GetOrganization'));
    expect(client?.spanContext().traceId).toBe(parent.spanContext().traceId);
  });
});
