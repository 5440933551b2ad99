import { status } from '@grpc/grpc-js';
import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { grpcMethodOf } from './grpcMethod';
import { METRIC_CATALOG } from './metricCatalog';
import { createMetrics, type Metrics } from './metrics';
import { parsePrometheusText, type ExpositionSample } from './parsePrometheusText';
import { prometheusText } from './prometheusText';

const GET_ORG = grpcMethodOf('/govrnanza.account.v1.AccountService/GetOrganization', false, false);
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

/** One recording of every family, through the public methods. */
function recordOneOfEach(metrics: Metrics): void {
  metrics.recordServerStarted(GET_ORG);
  metrics.recordServerMessageReceived(GET_ORG);
  metrics.recordServerMessageSent(GET_ORG);
  metrics.recordServerHandled(GET_ORG, status.NOT_FOUND, 0.004, null);
  metrics.recordClientStarted('account', GET_ORG);
  metrics.recordClientHandled('account', GET_ORG, status.UNAVAILABLE, 0.02, null);
  metrics.recordClientCall('account', 'GetOrganization', status.OK, 0.03, null);
  metrics.recordRetry('account', 'GetOrganization');
  metrics.recordHedge('account', 'GetOrganization');
  metrics.recordRetryBudgetExhausted('account');
  metrics.recordCircuitBreakerTransition('account', 'open');
  metrics.recordBulkheadRejection('profile');
  metrics.recordFallback('profile', 'owners', 'circuit_open');
  metrics.recordFailOpenDecision('account', 'allow');
  metrics.recordDeadlineExceeded('account', 'GetOrganization');
  metrics.recordBudgetLeft('account', 'GetOrganization', 0.5, null);
  metrics.recordFaultInjected('GetOrganization', 'delay');
  metrics.recordHttpRequest('/v1/orgs/{org}', 'GET', 200, 0.012, null);
}

async function scrape(metrics: Metrics): Promise<ExpositionSample[]> {
  return parsePrometheusText(await prometheusText(metrics.registry));
}

function find(samples: ExpositionSample[], name: string, labels: Record<string, string> = {}): ExpositionSample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

describe('createMetrics', () => {
  it('exposes every catalogued family with exactly its documented labels', async () => {
    const metrics = createMetrics('registry');
    recordOneOfEach(metrics);
    const samples = await scrape(metrics);
    for (const spec of METRIC_CATALOG) {
      const name = spec.type === 'histogram' ? `${spec.name}_count` : spec.name;
      const series = find(samples, name);
      expect(series, spec.name).toHaveLength(1);
      expect(Object.keys(series[0]!.labels).sort(), spec.name).toEqual([...spec.labelNames].sort());
    }
  });

  it('labels every series, default process metrics included, with the emitting service', async () => {
    const metrics = createMetrics('registry');
    recordOneOfEach(metrics);
    const samples = await scrape(metrics);
    expect(find(samples, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(find(samples, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
    for (const sample of samples) expect(sample.labels.service, sample.name).toBe('registry');
  });

  it('records values under go-grpc-prometheus label values', async () => {
    const metrics = createMetrics('registry');
    recordOneOfEach(metrics);
    recordOneOfEach(metrics);
    const samples = await scrape(metrics);
    const method = { grpc_service: 'govrnanza.account.v1.AccountService', grpc_method: 'GetOrganization', grpc_type: 'unary' };
    expect(find(samples, 'grpc_server_handled_total', { ...method, grpc_code: 'NotFound' })[0]?.value).toBe(2);
    expect(find(samples, 'grpc_server_started_total', method)[0]?.value).toBe(2);
    expect(find(samples, 'grpc_client_handled_total', { ...method, downstream: 'account', grpc_code: 'Unavailable' })[0]?.value).toBe(2);
    expect(find(samples, 'govrnanza_client_calls_total', { downstream: 'account', grpc_code: 'OK' })[0]?.value).toBe(2);
    expect(find(samples, 'govrnanza_fallbacks_total', { part: 'owners', reason: 'circuit_open' })[0]?.value).toBe(2);
    expect(find(samples, 'http_server_requests_total', { route: '/v1/orgs/{org}', method: 'GET', code: '200' })[0]?.value).toBe(2);
    expect(find(samples, 'http_server_request_duration_seconds_sum')[0]?.value).toBeCloseTo(0.024);
  });

  it('uses the documented latency buckets', async () => {
    const metrics = createMetrics('registry');
    metrics.recordServerHandled(GET_ORG, status.OK, 0.003, null);
    const buckets = find(await scrape(metrics), 'grpc_server_handling_seconds_bucket');
    expect(buckets.map((s) => s.labels.le)).toEqual(
      ['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'],
    );
    // Cumulative: 3 ms is above 2.5 ms and within 5 ms.
    expect(buckets.map((s) => s.value)).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('sets the breaker gauge 0/1/2 and counts only transitions', async () => {
    const metrics = createMetrics('gateway');
    metrics.setCircuitBreakerState('account', 'closed');
    let samples = await scrape(metrics);
    expect(find(samples, 'govrnanza_circuit_breaker_state', { downstream: 'account' })[0]?.value).toBe(0);
    expect(find(samples, 'govrnanza_circuit_breaker_transitions_total')).toHaveLength(0);
    metrics.recordCircuitBreakerTransition('account', 'open');
    metrics.recordCircuitBreakerTransition('account', 'half_open');
    samples = await scrape(metrics);
    expect(find(samples, 'govrnanza_circuit_breaker_state', { downstream: 'account' })[0]?.value).toBe(1);
    expect(find(samples, 'govrnanza_circuit_breaker_transitions_total', { state: 'open' })[0]?.value).toBe(1);
    expect(find(samples, 'govrnanza_circuit_breaker_transitions_total', { state: 'half_open' })[0]?.value).toBe(1);
  });

  it('records a negative budget as 0', async () => {
    const metrics = createMetrics('registry');
    metrics.recordBudgetLeft('account', 'GetOrganization', -0.2, null);
    const samples = await scrape(metrics);
    expect(find(samples, 'govrnanza_client_budget_left_seconds_sum')[0]?.value).toBe(0);
    expect(find(samples, 'govrnanza_client_budget_left_seconds_bucket', { le: '0.001' })[0]?.value).toBe(1);
  });

  it('keeps each service in its own registry, never the global one', async () => {
    const a = createMetrics('account');
    const b = createMetrics('profile');
    a.recordFaultInjected('GetOrganization', 'abort');
    expect(find(await scrape(b), 'govrnanza_faults_injected_total')).toHaveLength(0);
    expect(globalRegistry.getSingleMetric('govrnanza_faults_injected_total')).toBeUndefined();
  });

  it('renders OpenMetrics with exemplars given explicitly, and none for null', async () => {
    const metrics = createMetrics('registry');
    metrics.recordClientCall('account', 'GetOrganization', status.OK, 0.03, { trace_id: TRACE_ID });
    metrics.recordHttpRequest('/v1/orgs', 'POST', 201, 0.2, null);
    const text = await metrics.registry.metrics();
    expect(text.endsWith('# EOF\n')).toBe(true);
    const samples = parsePrometheusText(text);
    const withExemplar = samples.filter((s) => s.exemplar !== undefined);
    expect(withExemplar).toHaveLength(1);
    expect(withExemplar[0]).toMatchObject({
      name: 'govrnanza_client_call_seconds_bucket',
      labels: { le: '0.05' },
      exemplar: { labels: { trace_id: TRACE_ID }, value: 0.03 },
    });
    // Counters: family name without _total, samples with it (OpenMetrics).
    expect(text).toContain('# TYPE govrnanza_client_calls counter\n');
    expect(find(samples, 'govrnanza_client_calls_total')).toHaveLength(1);
  });
});
