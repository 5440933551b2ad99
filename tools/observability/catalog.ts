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

import { LATENCY_BUCKETS_SECONDS, METRIC_CATALOG } from '@govrnanza/telemetry';

/** Histogram bucket upper bounds in seconds, shared by every latency histogram. */
export const LATENCY_BUCKETS = LATENCY_BUCKETS_SECONDS;

/**
 * Families whose series appear only once something went wrong. The breaker
 * state gauge is not among them: every client sets it to 0 when it is built.
 */
const ON_FAILURE_ONLY = new Set([
  'govrnanza_client_retries_total',
  'govrnanza_client_hedges_total',
  'govrnanza_retry_budget_exhausted_total',
  'govrnanza_circuit_breaker_transitions_total',
  'govrnanza_bulkhead_rejections_total',
  'govrnanza_fallbacks_total',
  'govrnanza_fail_open_decisions_total',
  'govrnanza_client_deadline_exceeded_total',
  'govrnanza_faults_injected_total',
]);

/** prom-client default metrics the dashboards use (every series carries `service`). */
const RUNTIME: Record<string, MetricSpec> = {
  process_cpu_seconds_total: { type: 'counter', labels: ['service'] },
  process_resident_memory_bytes: { type: 'gauge', labels: ['service'] },
  nodejs_heap_size_used_bytes: { type: 'gauge', labels: ['service'] },
  nodejs_eventloop_lag_p99_seconds: { type: 'gauge', labels: ['service'] },
};

/** The documented metrics, from the telemetry package's catalog (one list, two uses). */
export const METRICS: Readonly<Record<string, MetricSpec>> = {
  ...Object.fromEntries(
    METRIC_CATALOG.map((m) => [m.name, { type: m.type, labels: [...m.labelNames], ...(ON_FAILURE_ONLY.has(m.name) ? { onFailureOnly: true } : {}) }]),
  ),
  ...RUNTIME,
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
