/**
 * Names of the recorded series, following Prometheus' `level:metric:operations`
 * convention. Levels: `edge` (service, downstream), `edge_method` (service,
 * downstream, grpc_method), `route` (service, route, method), `service`.
 * Rules and dashboards both build names here, so they cannot drift apart.
 */

/** Windows of the live series: 1m for dashboards and experiments, 5m for steadier views. */
export const LIVE_WINDOWS = ['1m', '5m'] as const;
export type LiveWindow = (typeof LIVE_WINDOWS)[number];

export type EdgeLevel = 'edge' | 'edge_method';

/** The labels each level aggregates to. */
export const LEVEL_LABELS = {
  edge: ['service', 'downstream'],
  edge_method: ['service', 'downstream', 'grpc_method'],
  route: ['service', 'route', 'method'],
  service: ['service'],
} as const;

export const QUANTILES = [
  { name: 'p50', q: 0.5 },
  { name: 'p90', q: 0.9 },
  { name: 'p99', q: 0.99 },
] as const;
export type QuantileName = (typeof QUANTILES)[number]['name'];

export const edgeNames = {
  /** Logical calls per second (after retries, hedges, breaker). */
  calls: (l: EdgeLevel, w: string) => `${l}:govrnanza_client_calls:rate${w}`,
  /** Fraction of logical calls that did not fail (see FAILURE_CODES). */
  success: (l: EdgeLevel, w: string) => `${l}:govrnanza_client_calls_success:ratio_rate${w}`,
  /** Attempts on the wire per second. */
  attempts: (l: EdgeLevel, w: string) => `${l}:grpc_client_started:rate${w}`,
  /** Fraction of attempts that did not fail. */
  attemptSuccess: (l: EdgeLevel, w: string) => `${l}:grpc_client_handled_success:ratio_rate${w}`,
  /** Quantile of a logical call's latency, seconds. */
  latency: (l: EdgeLevel, q: QuantileName, w: string) => `${l}:govrnanza_client_call_seconds:${q}_rate${w}`,
  /** Mean latency of a logical call, seconds. */
  latencyMean: (l: EdgeLevel, w: string) => `${l}:govrnanza_client_call_seconds:mean_rate${w}`,
  /** Quantile of one attempt's latency, seconds. */
  attemptLatency: (l: EdgeLevel, q: QuantileName, w: string) => `${l}:grpc_client_handling_seconds:${q}_rate${w}`,
  /** Attempts ÷ logical calls: 1 means no retries or hedges. */
  amplification: (l: EdgeLevel, w: string) => `${l}:govrnanza_client_retry_amplification:ratio_rate${w}`,
};

export const routeNames = {
  requests: (w: string) => `route:http_server_requests:rate${w}`,
  /** Observed: fraction of requests that did not answer 5xx. */
  availability: (w: string) => `route:availability:ratio_rate${w}`,
  latency: (q: QuantileName, w: string) => `route:http_server_request_duration_seconds:${q}_rate${w}`,
  latencyMean: (w: string) => `route:http_server_request_duration_seconds:mean_rate${w}`,
  /** Product of the route's calls' logical success ratios (see predictionFactors). */
  predicted: (w: string) => `route:availability_predicted:ratio_rate${w}`,
  /** The same product over per-attempt success ratios: the chain without retries or hedges. */
  predictedPerAttempt: (w: string) => `route:availability_predicted_per_attempt:ratio_rate${w}`,
};

export const sloNames = {
  /** Fraction of the gateway's requests that were bad for this SLO over the window. */
  errorRatio: (slo: string, w: string) => `service:slo_${slo}_errors:ratio_rate${w}`,
};
