/**
 * Telemetry for Govrnanza services: Prometheus metrics (one registry per
 * service: the gRPC server families recorded around each handler, the
 * per-attempt client families, the resilience, fault and gateway families)
 * served on /metrics, and OpenTelemetry tracing: the SDK
 * started once per process by preload.ts, and the spans of gRPC calls and
 * HTTP requests (rpcSpans.ts).
 */
export { METRIC_CATALOG, LATENCY_BUCKETS_SECONDS, type MetricSpec, type MetricName } from './metricCatalog';
export {
  createMetrics,
  type Metrics,
  type CircuitState,
  type FallbackReason,
  type FailOpenDecision,
  type FaultKind,
  type ExemplarArg,
} from './metrics';
export { attemptMetrics, type AttemptMetrics, type AttemptRecorder } from './attemptMetrics';
export {
  startGrpcServerSpan,
  startGrpcClientSpan,
  startHttpServerSpan,
  BUDGET_LEFT_ATTRIBUTE,
  WITHDRAWN_ATTRIBUTE,
  type ActiveSpan,
  type RpcSpan,
  type HttpSpan,
} from './rpcSpans';
export { instrumentHandler, traceContextOf } from './instrumentHandler';
export { grpcMethodOf, type GrpcMethod, type GrpcType } from './grpcMethod';
export { grpcCodeName, GRPC_CODE_NAMES } from './grpcCodeName';
export { traceExemplar, type TraceExemplar } from './traceExemplar';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './metricsServer';
export { renderMetrics, prefersOpenMetrics, type RenderedMetrics } from './renderMetrics';
export { prometheusText, PROMETHEUS_TEXT_CONTENT_TYPE } from './prometheusText';
export { parsePrometheusText, type ExpositionSample } from './parsePrometheusText';
export {
  startTracing,
  startTracingFromEnv,
  shutdownTracing,
  tracingOptionsFromEnv,
  tracingDisabled,
  type Tracing,
  type TracingOptions,
} from './tracing';
export { samplerFromEnv, DEFAULT_SAMPLER } from './samplerFromEnv';
export { FileSpanExporter } from './fileSpanExporter';
export { RedactingSpanProcessor, REDACTED_SERVER_ATTRIBUTES } from './redactingSpanProcessor';
export { readSpanRecords, toSpanRecord, type SpanRecord } from './spanRecord';
export { spanEvent, setSpanAttributes, type LazyAttributes } from './spans';
