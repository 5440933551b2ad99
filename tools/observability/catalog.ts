/**
 * The metrics Govrnanza's services expose, as documented for the telemetry
 * package. Rules and dashboards may use these names only; a test holds them
 * to it. Every series also carries `service` (the emitting service);
 * Prometheus adds `job` and `instance`.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  type: MetricType;
  labels: readonly string[];
  /**
   * True when the series appear only once something went wrong (a retry, a
   * fallback, an injected fault…): a live check of a query over such a
   * metric needs faults, not just traffic.
   */
  onFailureOnly?: boolean;
}

const SERVER = ['service', 'grpc_service', 'grpc_method', 'grpc_type'];
const CLIENT = ['service', 'downstream', 'grpc_service', 'grpc_method', 'grpc_type'];

/** Histogram bucket upper bounds in seconds, shared by every latency histogram. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export const METRICS: Readonly<Record<string, MetricSpec>> = {
  grpc_server_started_total: { type: 'counter', labels: SERVER },
  grpc_server_handled_total: { type: 'counter', labels: [...SERVER, 'grpc_code'] },
  grpc_server_handling_seconds: { type: 'histogram', labels: SERVER },
  grpc_client_started_total: { type: 'counter', labels: CLIENT },
  grpc_client_handled_total: { type: 'counter', labels: [...CLIENT, 'grpc_code'] },
  grpc_client_handling_seconds: { type: 'histogram', labels: CLIENT },
  govrnanza_client_calls_total: { type: 'counter', labels: ['service', 'downstream', 'grpc_method', 'grpc_code'] },
  govrnanza_client_call_seconds: { type: 'histogram', labels: ['service', 'downstream', 'grpc_method'] },
  govrnanza_client_retries_total: { type: 'counter', labels: ['service', 'downstream', 'grpc_method'], onFailureOnly: true },
  govrnanza_client_hedges_total: { type: 'counter', labels: ['service', 'downstream', 'grpc_method'], onFailureOnly: true },
  govrnanza_retry_budget_exhausted_total: { type: 'counter', labels: ['service', 'downstream'], onFailureOnly: true },
  govrnanza_circuit_breaker_state: { type: 'gauge', labels: ['service', 'downstream'], onFailureOnly: true },
  govrnanza_circuit_breaker_transitions_total: { type: 'counter', labels: ['service', 'downstream', 'state'], onFailureOnly: true },
  govrnanza_bulkhead_rejections_total: { type: 'counter', labels: ['service', 'downstream'], onFailureOnly: true },
  govrnanza_fallbacks_total: { type: 'counter', labels: ['service', 'downstream', 'part', 'reason'], onFailureOnly: true },
  govrnanza_fail_open_decisions_total: { type: 'counter', labels: ['service', 'downstream', 'decision'], onFailureOnly: true },
  govrnanza_client_deadline_exceeded_total: { type: 'counter', labels: ['service', 'downstream', 'grpc_method'], onFailureOnly: true },
  govrnanza_client_budget_left_seconds: { type: 'histogram', labels: ['service', 'downstream', 'grpc_method'] },
  govrnanza_faults_injected_total: { type: 'counter', labels: ['service', 'grpc_method', 'kind'], onFailureOnly: true },
  http_server_requests_total: { type: 'counter', labels: ['service', 'route', 'method', 'code'] },
  http_server_request_duration_seconds: { type: 'histogram', labels: ['service', 'route', 'method'] },
  // prom-client default metrics used by the dashboards.
  process_cpu_seconds_total: { type: 'counter', labels: ['service'] },
  process_resident_memory_bytes: { type: 'gauge', labels: ['service'] },
  nodejs_heap_size_used_bytes: { type: 'gauge', labels: ['service'] },
  nodejs_eventloop_lag_p99_seconds: { type: 'gauge', labels: ['service'] },
};

/** The series names a metric exposes (`_bucket`, `_sum`, `_count` for a histogram). */
export function seriesNames(name: string): string[] {
  const spec = METRICS[name];
  if (!spec) return [];
  return spec.type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
}

/** The documented metric a series name belongs to, e.g. `x_seconds_bucket` → `x_seconds`. */
export function metricOfSeries(series: string): string | undefined {
  if (METRICS[series] && METRICS[series].type !== 'histogram') return series;
  const m = /^(.*)_(bucket|sum|count)$/.exec(series);
  if (m?.[1] && METRICS[m[1]]?.type === 'histogram') return m[1];
  return undefined;
}
