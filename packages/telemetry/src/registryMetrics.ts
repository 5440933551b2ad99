import type { BackendName, ServiceName } from '@govrnanza/topology';
import { Gauge, type OpenMetricsContentType, type Registry } from 'prom-client';
import { ChildCache } from './childCache';
import { CounterFamily, HistogramFamily } from './liveFamilies';
import { grpcCodeName } from './grpcCodeName';
import type { GrpcMethod } from './grpcMethod';
import { LATENCY_BUCKETS_SECONDS, METRIC_CATALOG, type MetricName } from './metricCatalog';
import type { CircuitState, ExemplarArg, FailOpenDecision, FallbackReason, FaultKind, Metrics } from './metrics';
import { traceExemplar, type TraceExemplar } from './traceExemplar';

/** Circuit breaker gauge values. */
const BREAKER_GAUGE: Readonly<Record<CircuitState, number>> = { closed: 0, half_open: 1, open: 2 };

type Family = CounterFamily | HistogramFamily | Gauge<string>;

/**
 * Counters and histograms are live families (see `liveFamilies`): recording
 * adds to a series found once, and prom-client's Registry renders them at
 * scrape time. The rarely set gauge is prom-client's own.
 */
function createFamilies(registry: Registry<OpenMetricsContentType>): Map<MetricName, Family> {
  const families = new Map<MetricName, Family>();
  for (const spec of METRIC_CATALOG) {
    const [first, ...labelNames] = spec.labelNames;
    if (first !== 'service') throw new Error(`${spec.name}: the first label must be service`);
    const family =
      spec.type === 'counter'
        ? new CounterFamily(spec.name, spec.help)
        : spec.type === 'gauge'
          ? new Gauge({ name: spec.name, help: spec.help, labelNames, registers: [] })
          : new HistogramFamily(spec.name, spec.help, LATENCY_BUCKETS_SECONDS);
    // The Registry renders any object with its metric interface (name, help, type, get, reset).
    registry.registerMetric(family as unknown as Gauge<string>);
    families.set(spec.name, family);
  }
  return families;
}

function resolveExemplar(exemplar: ExemplarArg): TraceExemplar | undefined {
  return exemplar === undefined ? traceExemplar() : (exemplar ?? undefined);
}

type Families = Map<MetricName, Family>;

const counter = (f: Families, name: MetricName) => f.get(name) as CounterFamily;
const gauge = (f: Families, name: MetricName) => f.get(name) as Gauge<string>;
const histogram = (f: Families, name: MetricName) => f.get(name) as HistogramFamily;
const serverLabels = (m: GrpcMethod) => ({ grpc_service: m.service, grpc_method: m.name, grpc_type: m.type });
const attemptLabels = (d: BackendName, m: GrpcMethod) => ({ downstream: d, ...serverLabels(m) });
const callLabels = (d: BackendName, method: string) => ({ downstream: d, grpc_method: method });

/** Children of the gRPC server families, keyed by method (and code). */
function serverChildren(f: Families) {
  return {
    started: new ChildCache((m: GrpcMethod) => counter(f, 'grpc_server_started_total').add(serverLabels(m))),
    handled: new ChildCache((m: GrpcMethod, code: number) =>
      counter(f, 'grpc_server_handled_total').add({ ...serverLabels(m), grpc_code: grpcCodeName(code) }),
    ),
    handling: new ChildCache((m: GrpcMethod) => histogram(f, 'grpc_server_handling_seconds').add(serverLabels(m))),
    received: new ChildCache((m: GrpcMethod) => counter(f, 'grpc_server_msg_received_total').add(serverLabels(m))),
    sent: new ChildCache((m: GrpcMethod) => counter(f, 'grpc_server_msg_sent_total').add(serverLabels(m))),
  };
}

/** Children of the per-attempt client families, keyed by downstream and method (and code). */
function attemptChildren(f: Families) {
  return {
    started: new ChildCache((d: BackendName, m: GrpcMethod) => counter(f, 'grpc_client_started_total').add(attemptLabels(d, m))),
    handled: new ChildCache((d: BackendName, m: GrpcMethod, code: number) =>
      counter(f, 'grpc_client_handled_total').add({ ...attemptLabels(d, m), grpc_code: grpcCodeName(code) }),
    ),
    handling: new ChildCache((d: BackendName, m: GrpcMethod) =>
      histogram(f, 'grpc_client_handling_seconds').add(attemptLabels(d, m)),
    ),
  };
}

/** Children of the per-call and resilience families, keyed by downstream first. */
function callChildren(f: Families) {
  return {
    calls: new ChildCache((d: BackendName, method: string, code: number) =>
      counter(f, 'govrnanza_client_calls_total').add({ ...callLabels(d, method), grpc_code: grpcCodeName(code) }),
    ),
    seconds: new ChildCache((d: BackendName, method: string) =>
      histogram(f, 'govrnanza_client_call_seconds').add(callLabels(d, method)),
    ),
    retries: new ChildCache((d: BackendName, method: string) => counter(f, 'govrnanza_client_retries_total').add(callLabels(d, method))),
    hedges: new ChildCache((d: BackendName, method: string) => counter(f, 'govrnanza_client_hedges_total').add(callLabels(d, method))),
    budgetExhausted: new ChildCache((d: BackendName) => counter(f, 'govrnanza_retry_budget_exhausted_total').add({ downstream: d })),
    breakerState: new ChildCache((d: BackendName) => gauge(f, 'govrnanza_circuit_breaker_state').labels({ downstream: d })),
    breakerTransitions: new ChildCache((d: BackendName, state: CircuitState) =>
      counter(f, 'govrnanza_circuit_breaker_transitions_total').add({ downstream: d, state }),
    ),
    bulkheadRejections: new ChildCache((d: BackendName) => counter(f, 'govrnanza_bulkhead_rejections_total').add({ downstream: d })),
    fallbacks: new ChildCache((d: BackendName, part: string, reason: FallbackReason) =>
      counter(f, 'govrnanza_fallbacks_total').add({ downstream: d, part, reason }),
    ),
    failOpen: new ChildCache((d: BackendName, decision: FailOpenDecision) =>
      counter(f, 'govrnanza_fail_open_decisions_total').add({ downstream: d, decision }),
    ),
    deadlineExceeded: new ChildCache((d: BackendName, method: string) =>
      counter(f, 'govrnanza_client_deadline_exceeded_total').add(callLabels(d, method)),
    ),
    budgetLeft: new ChildCache((d: BackendName, method: string) =>
      histogram(f, 'govrnanza_client_budget_left_seconds').add(callLabels(d, method)),
    ),
  };
}

/** Children of the fault and gateway HTTP families. */
function edgeChildren(f: Families) {
  return {
    faults: new ChildCache((method: string, kind: FaultKind) =>
      counter(f, 'govrnanza_faults_injected_total').add({ grpc_method: method, kind }),
    ),
    httpRequests: new ChildCache((route: string, method: string, status: number) =>
      counter(f, 'http_server_requests_total').add({ route, method, code: String(status) }),
    ),
    httpSeconds: new ChildCache((route: string, method: string) =>
      histogram(f, 'http_server_request_duration_seconds').add({ route, method }),
    ),
  };
}

/**
 * `Metrics` over prom-client: builds the catalogued families in `registry`
 * and keeps one label child per label tuple (see `ChildCache`).
 */
export class RegistryMetrics implements Metrics {
  private readonly server: ReturnType<typeof serverChildren>;
  private readonly attempt: ReturnType<typeof attemptChildren>;
  private readonly call: ReturnType<typeof callChildren>;
  private readonly edge: ReturnType<typeof edgeChildren>;

  constructor(
    readonly service: ServiceName,
    readonly registry: Registry<OpenMetricsContentType>,
  ) {
    const families = createFamilies(registry);
    this.server = serverChildren(families);
    this.attempt = attemptChildren(families);
    this.call = callChildren(families);
    this.edge = edgeChildren(families);
  }

  recordServerStarted(method: GrpcMethod): void {
    this.server.started.get(method, null, null).inc();
  }

  recordServerHandled(method: GrpcMethod, code: number, seconds: number, exemplar?: ExemplarArg): void {
    this.server.handled.get(method, code, null).inc();
    this.server.handling.get(method, null, null).observe(seconds, resolveExemplar(exemplar));
  }

  recordServerMessageReceived(method: GrpcMethod): void {
    this.server.received.get(method, null, null).inc();
  }

  recordServerMessageSent(method: GrpcMethod): void {
    this.server.sent.get(method, null, null).inc();
  }

  recordClientStarted(downstream: BackendName, method: GrpcMethod): void {
    this.attempt.started.get(downstream, method, null).inc();
  }

  recordClientHandled(downstream: BackendName, method: GrpcMethod, code: number, seconds: number, exemplar?: ExemplarArg): void {
    this.attempt.handled.get(downstream, method, code).inc();
    this.attempt.handling.get(downstream, method, null).observe(seconds, resolveExemplar(exemplar));
  }

  recordClientCall(downstream: BackendName, method: string, code: number, seconds: number, exemplar?: ExemplarArg): void {
    this.call.calls.get(downstream, method, code).inc();
    this.call.seconds.get(downstream, method, null).observe(seconds, resolveExemplar(exemplar));
  }

  recordRetry(downstream: BackendName, method: string): void {
    this.call.retries.get(downstream, method, null).inc();
  }

  recordHedge(downstream: BackendName, method: string): void {
    this.call.hedges.get(downstream, method, null).inc();
  }

  recordRetryBudgetExhausted(downstream: BackendName): void {
    this.call.budgetExhausted.get(downstream, null, null).inc();
  }

  setCircuitBreakerState(downstream: BackendName, state: CircuitState): void {
    this.call.breakerState.get(downstream, null, null).set(BREAKER_GAUGE[state]);
  }

  recordCircuitBreakerTransition(downstream: BackendName, state: CircuitState): void {
    this.setCircuitBreakerState(downstream, state);
    this.call.breakerTransitions.get(downstream, state, null).inc();
  }

  recordBulkheadRejection(downstream: BackendName): void {
    this.call.bulkheadRejections.get(downstream, null, null).inc();
  }

  recordFallback(downstream: BackendName, part: string, reason: FallbackReason): void {
    this.call.fallbacks.get(downstream, part, reason).inc();
  }

  recordFailOpenDecision(downstream: BackendName, decision: FailOpenDecision): void {
    this.call.failOpen.get(downstream, decision, null).inc();
  }

  recordDeadlineExceeded(downstream: BackendName, method: string): void {
    this.call.deadlineExceeded.get(downstream, method, null).inc();
  }

  recordBudgetLeft(downstream: BackendName, method: string, seconds: number, exemplar?: ExemplarArg): void {
    this.call.budgetLeft.get(downstream, method, null).observe(Math.max(0, seconds), resolveExemplar(exemplar));
  }

  recordFaultInjected(method: string, kind: FaultKind): void {
    this.edge.faults.get(method, kind, null).inc();
  }

  recordHttpRequest(route: string, method: string, status: number, seconds: number, exemplar?: ExemplarArg): void {
    this.edge.httpRequests.get(route, method, status).inc();
    this.edge.httpSeconds.get(route, method, null).observe(seconds, resolveExemplar(exemplar));
  }
}
