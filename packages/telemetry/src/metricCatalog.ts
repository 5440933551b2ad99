/** Upper bounds of every latency and budget histogram, in seconds (1 ms to 10 s). */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** One metric family a service exposes. */
export interface MetricSpec {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  /** Every label of every series, `service` (the emitting service) first. */
  readonly labelNames: readonly string[];
}

const SERVER = ['service', 'grpc_service', 'grpc_method', 'grpc_type'] as const;
const CLIENT = ['service', 'downstream', 'grpc_service', 'grpc_method', 'grpc_type'] as const;
const CALL = ['service', 'downstream', 'grpc_method'] as const;

/**
 * Every Govrnanza metric family with its labels, as data: `createMetrics`
 * builds the families from it, and tests and docs check against it that each
 * documented series is exposed. Server and per-attempt client families use
 * go-grpc-prometheus names and labels.
 */
export const METRIC_CATALOG = [
  // gRPC server, recorded around each handler by instrumentHandler.
  { name: 'grpc_server_started_total', type: 'counter', help: 'Total number of RPCs started on the server.', labelNames: SERVER },
  {
    name: 'grpc_server_handled_total',
    type: 'counter',
    help: 'Total number of RPCs completed on the server, regardless of success or failure.',
    labelNames: [...SERVER, 'grpc_code'],
  },
  {
    name: 'grpc_server_handling_seconds',
    type: 'histogram',
    help: 'Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.',
    labelNames: SERVER,
  },
  { name: 'grpc_server_msg_received_total', type: 'counter', help: 'Total number of RPC stream messages received on the server.', labelNames: SERVER },
  { name: 'grpc_server_msg_sent_total', type: 'counter', help: 'Total number of gRPC stream messages sent by the server.', labelNames: SERVER },

  // gRPC client, one sample per attempt on the wire, recorded by attemptMetrics (reported by the resilience layer's unaryCall).
  { name: 'grpc_client_started_total', type: 'counter', help: 'Total number of RPC attempts started on the client.', labelNames: CLIENT },
  {
    name: 'grpc_client_handled_total',
    type: 'counter',
    help: 'Total number of RPC attempts completed by the client, regardless of success or failure.',
    labelNames: [...CLIENT, 'grpc_code'],
  },
  {
    name: 'grpc_client_handling_seconds',
    type: 'histogram',
    help: 'Histogram of response latency (seconds) of one gRPC attempt until it is finished by the application.',
    labelNames: CLIENT,
  },

  // One sample per logical call as the calling code sees it (after retries, hedges, breaker), recorded by the resilience layer.
  {
    name: 'govrnanza_client_calls_total',
    type: 'counter',
    help: 'Logical downstream calls as the caller sees them, after retries, hedges and the circuit breaker.',
    labelNames: [...CALL, 'grpc_code'],
  },
  { name: 'govrnanza_client_call_seconds', type: 'histogram', help: 'Latency (seconds) of logical downstream calls, retries and hedges included.', labelNames: CALL },

  // Resilience, per downstream.
  { name: 'govrnanza_client_retries_total', type: 'counter', help: 'Retry attempts made after a failed attempt.', labelNames: CALL },
  { name: 'govrnanza_client_hedges_total', type: 'counter', help: 'Hedged attempts started while an earlier attempt was still running.', labelNames: CALL },
  {
    name: 'govrnanza_retry_budget_exhausted_total',
    type: 'counter',
    help: 'Retries not made because the retry budget was spent.',
    labelNames: ['service', 'downstream'],
  },
  {
    name: 'govrnanza_circuit_breaker_state',
    type: 'gauge',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open.',
    labelNames: ['service', 'downstream'],
  },
  {
    name: 'govrnanza_circuit_breaker_transitions_total',
    type: 'counter',
    help: 'Circuit breaker transitions, by the state entered (closed, half_open, open).',
    labelNames: ['service', 'downstream', 'state'],
  },
  {
    name: 'govrnanza_bulkhead_rejections_total',
    type: 'counter',
    help: 'Calls rejected because the bulkhead (concurrency limit and queue) was full.',
    labelNames: ['service', 'downstream'],
  },
  {
    name: 'govrnanza_fallbacks_total',
    type: 'counter',
    help: 'Degraded answers: a part of a response left out, by reason (unavailable, deadline, circuit_open, bulkhead, error).',
    labelNames: ['service', 'downstream', 'part', 'reason'],
  },
  {
    name: 'govrnanza_fail_open_decisions_total',
    type: 'counter',
    help: 'Decisions taken when a downstream could not answer: allow (fail open) or deny (fail closed).',
    labelNames: ['service', 'downstream', 'decision'],
  },
  {
    name: 'govrnanza_client_deadline_exceeded_total',
    type: 'counter',
    help: 'Logical calls that ran out of time budget.',
    labelNames: CALL,
  },
  {
    name: 'govrnanza_client_budget_left_seconds',
    type: 'histogram',
    help: 'Time budget (seconds) left when a logical downstream call starts.',
    labelNames: CALL,
  },

  // Fault injection.
  {
    name: 'govrnanza_faults_injected_total',
    type: 'counter',
    help: 'Faults injected into served calls, by kind (delay, abort, drop).',
    labelNames: ['service', 'grpc_method', 'kind'],
  },

  // Gateway HTTP RED.
  {
    name: 'http_server_requests_total',
    type: 'counter',
    help: 'HTTP requests served, by route template and status code.',
    labelNames: ['service', 'route', 'method', 'code'],
  },
  {
    name: 'http_server_request_duration_seconds',
    type: 'histogram',
    help: 'Latency (seconds) of HTTP requests, by route template.',
    labelNames: ['service', 'route', 'method'],
  },
] as const satisfies readonly MetricSpec[];

/** The name of a catalogued metric family. */
export type MetricName = (typeof METRIC_CATALOG)[number]['name'];
