import type { BackendName, ServiceName } from '@govrnanza/topology';
import { Registry, collectDefaultMetrics, type OpenMetricsContentType } from 'prom-client';
import type { GrpcMethod } from './grpcMethod';
import { RegistryMetrics } from './registryMetrics';
import type { TraceExemplar } from './traceExemplar';

/** Circuit breaker states; the gauge reads 0, 1, 2 in this order. */
export type CircuitState = 'closed' | 'half_open' | 'open';
/** Why a part of a response was left out. */
export type FallbackReason = 'unavailable' | 'deadline' | 'circuit_open' | 'bulkhead' | 'error';
/** What a fail-open policy decided when its downstream could not answer. */
export type FailOpenDecision = 'allow' | 'deny';
/** The kinds of injected fault. */
export type FaultKind = 'delay' | 'abort' | 'drop';

/**
 * An exemplar argument of a histogram recording: omitted (`undefined`) means
 * "the active span's, if sampled" (see `traceExemplar`); `null` means none.
 */
export type ExemplarArg = TraceExemplar | null | undefined;

/**
 * The Prometheus metrics of one service, in a registry of its own. Every
 * series carries `service` (the emitting service). Label children are cached
 * per label tuple, so each recording is a few Map lookups and one prom-client
 * update. Durations are in seconds, status codes are numeric gRPC codes
 * (written as go-grpc-prometheus spells them, e.g. "NotFound").
 */
export interface Metrics {
  readonly service: ServiceName;
  /**
   * The registry to serve on /metrics. Its content type is OpenMetrics so
   * exemplars can be rendered; `renderMetrics` falls back to the classic text
   * format for scrapers that do not ask for OpenMetrics.
   */
  readonly registry: Registry<OpenMetricsContentType>;

  /** A served call started (grpc_server_started_total). */
  recordServerStarted(method: GrpcMethod): void;
  /** A served call finished (grpc_server_handled_total, grpc_server_handling_seconds). */
  recordServerHandled(method: GrpcMethod, code: number, seconds: number, exemplar?: ExemplarArg): void;
  /** A served call received a request message (grpc_server_msg_received_total). */
  recordServerMessageReceived(method: GrpcMethod): void;
  /** A served call sent a response message (grpc_server_msg_sent_total). */
  recordServerMessageSent(method: GrpcMethod): void;

  /** One attempt on the wire started (grpc_client_started_total). */
  recordClientStarted(downstream: BackendName, method: GrpcMethod): void;
  /** One attempt on the wire finished (grpc_client_handled_total, grpc_client_handling_seconds). */
  recordClientHandled(downstream: BackendName, method: GrpcMethod, code: number, seconds: number, exemplar?: ExemplarArg): void;

  /**
   * One logical call finished as the calling code sees it, after retries,
   * hedges and the breaker (govrnanza_client_calls_total, govrnanza_client_call_seconds).
   * @param method the downstream method name, e.g. `GetOrganization`
   */
  recordClientCall(downstream: BackendName, method: string, code: number, seconds: number, exemplar?: ExemplarArg): void;
  /** A retry attempt is about to be made (govrnanza_client_retries_total). */
  recordRetry(downstream: BackendName, method: string): void;
  /** A hedged attempt is about to be made (govrnanza_client_hedges_total). */
  recordHedge(downstream: BackendName, method: string): void;
  /** A retry was not made because the retry budget was spent (govrnanza_retry_budget_exhausted_total). */
  recordRetryBudgetExhausted(downstream: BackendName): void;
  /** Sets the breaker gauge without counting a transition; call once when the breaker is built (govrnanza_circuit_breaker_state). */
  setCircuitBreakerState(downstream: BackendName, state: CircuitState): void;
  /** The breaker entered `state`: sets the gauge and counts the transition (govrnanza_circuit_breaker_transitions_total). */
  recordCircuitBreakerTransition(downstream: BackendName, state: CircuitState): void;
  /** The bulkhead refused a call (govrnanza_bulkhead_rejections_total). */
  recordBulkheadRejection(downstream: BackendName): void;
  /**
   * A response was degraded (govrnanza_fallbacks_total).
   * @param part a fixed name of the part left out, e.g. `owners`; never user input
   */
  recordFallback(downstream: BackendName, part: string, reason: FallbackReason): void;
  /** A fail-open policy decided (govrnanza_fail_open_decisions_total). */
  recordFailOpenDecision(downstream: BackendName, decision: FailOpenDecision): void;
  /** A logical call ran out of budget (govrnanza_client_deadline_exceeded_total). */
  recordDeadlineExceeded(downstream: BackendName, method: string): void;
  /**
   * The time budget left when a logical call starts (govrnanza_client_budget_left_seconds).
   * @param seconds negative values are recorded as 0
   */
  recordBudgetLeft(downstream: BackendName, method: string, seconds: number, exemplar?: ExemplarArg): void;

  /**
   * A fault was injected into a served call (govrnanza_faults_injected_total).
   * @param method the served method name, e.g. `GetOrganization`
   */
  recordFaultInjected(method: string, kind: FaultKind): void;

  /**
   * The gateway answered an HTTP request (http_server_requests_total, http_server_request_duration_seconds).
   * @param route the route's path template, e.g. `/v1/orgs/{org}`, never the raw path
   * @param status the HTTP status code
   */
  recordHttpRequest(route: string, method: string, status: number, seconds: number, exemplar?: ExemplarArg): void;
}

/**
 * Creates the metrics of `service`: a dedicated prom-client registry (never
 * the global one) with the default Node.js process metrics and every family
 * of `METRIC_CATALOG`. Histograms use `LATENCY_BUCKETS_SECONDS` and keep
 * exemplars.
 */
export function createMetrics(service: ServiceName): Metrics {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  // A default label rather than a label of each family: it also reaches the
  // default process metrics, and costs nothing per recording.
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return new RegistryMetrics(service, registry);
}
