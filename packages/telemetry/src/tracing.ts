import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { envDetector, hostDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, SimpleSpanProcessor, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import rootPackage from '../../../package.json';
import { FileSpanExporter } from './fileSpanExporter';
import { RedactingSpanProcessor } from './redactingSpanProcessor';
import { samplerFromEnv } from './samplerFromEnv';
import { useUnsampledChildShortcut } from './unsampledChildren';
import { SyncContextManager } from './syncContextManager';

/**
 * How the active context travels: `explicit` (the default) only for the
 * synchronous extent of `context.with` (see `SyncContextManager`), the trace
 * being passed in each CallContext; `async` through AsyncLocalStorage, across
 * awaits, so library instrumentations (ioredis) find the request's span, at
 * the price of promise hooks on every promise.
 */
export type TraceContextMode = 'explicit' | 'async';

/** How to trace one process. */
export interface TracingOptions {
  /** `service.name` resource attribute. */
  serviceName: string;
  /** `service.version` resource attribute. */
  serviceVersion: string;
  /** `deployment.environment` resource attribute, e.g. `local`. */
  deploymentEnvironment: string;
  /** OTLP/HTTP base URL (spans go to `<url>/v1/traces`, protobuf); unset: no OTLP export. */
  otlpEndpoint?: string;
  /** JSON-lines file each finished span is appended to (see `FileSpanExporter`); unset: none. */
  tracesFile?: string;
  sampler: Sampler;
  contextMode: TraceContextMode;
}

/**
 * Tracing options from the standard OpenTelemetry variables and ours:
 * OTEL_SERVICE_NAME (the launcher sets the service name; default
 * `unknown_service:node`), SERVICE_VERSION (default: the root package.json
 * version), DEPLOYMENT_ENVIRONMENT (default `local`),
 * OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_FILE, OTEL_TRACES_SAMPLER and
 * OTEL_TRACES_SAMPLER_ARG (see `samplerFromEnv`), TRACE_CONTEXT (`explicit`
 * or `async`, default `explicit`). Throws on a bad sampler or mode.
 */
export function tracingOptionsFromEnv(env: NodeJS.ProcessEnv): TracingOptions {
  const options: TracingOptions = {
    serviceName: env.OTEL_SERVICE_NAME?.trim() || 'unknown_service:node',
    serviceVersion: env.SERVICE_VERSION?.trim() || rootPackage.version,
    deploymentEnvironment: env.DEPLOYMENT_ENVIRONMENT?.trim() || 'local',
    sampler: samplerFromEnv(env),
    contextMode: contextModeFromEnv(env),
  };
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (endpoint) options.otlpEndpoint = endpoint;
  const file = env.OTEL_TRACES_FILE?.trim();
  if (file) options.tracesFile = file;
  return options;
}

function contextModeFromEnv(env: NodeJS.ProcessEnv): TraceContextMode {
  const raw = env.TRACE_CONTEXT?.trim() || 'explicit';
  if (raw === 'explicit' || raw === 'async') return raw;
  throw new Error(`TRACE_CONTEXT: must be explicit or async, got "${raw}"`);
}

/** Whether OTEL_SDK_DISABLED turns tracing off (the standard variable: `true`, any case). */
export function tracingDisabled(env: NodeJS.ProcessEnv): boolean {
  return env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true';
}

/**
 * Started tracing. `shutdown` flushes pending spans (bounded by the OTLP
 * exporter's timeout, OTEL_EXPORTER_OTLP_TIMEOUT, default 10 s), never
 * rejects (a failed flush becomes a process warning: losing spans must not
 * fail a shutdown), and is safe to call more than once.
 */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * The started tracing lives on the process, not in this module: in the
 * esbuild bundles (tools/build.ts) the preload and each service carry their
 * own copy of this module, and the service's `shutdownTracing` must find what
 * the preload started, or the last batch of spans is lost at shutdown.
 */
const STARTED = Symbol.for('govrnanza.telemetry.tracing');
const started = globalThis as { [STARTED]?: Tracing };

/**
 * Starts the OpenTelemetry Node SDK: the one place it is built. It must run
 * before ioredis is loaded, so services load it with `--require` (see
 * preload.ts). gRPC and HTTP spans are made by the runtime itself
 * (rpcSpans.ts) through the API this registers; the one library
 * instrumentation, ioredis, is loaded with `TRACE_CONTEXT=async` only (it
 * needs the context to follow awaits). W3C trace context propagation. Server spans
 * lose what identifies the caller (see `RedactingSpanProcessor`). Span export
 * to OTLP and/or the traces file as configured; with neither, no tracer
 * provider is registered, so spans are not recorded but incoming trace
 * context is still passed on.
 * OpenTelemetry metrics and logs stay off: metrics are Prometheus (prom-client).
 * A second call returns the tracing already started.
 */
export function startTracing(options: TracingOptions): Tracing {
  const running = started[STARTED];
  if (running !== undefined) return running;
  const processors = spanProcessors(options);
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion,
      'deployment.environment': options.deploymentEnvironment,
    }),
    // OTEL_RESOURCE_ATTRIBUTES and host.name; not the process detector, which records the command line.
    resourceDetectors: [envDetector, hostDetector],
    sampler: options.sampler,
    spanProcessors: processors,
    textMapPropagator: new W3CTraceContextPropagator(),
    // Unset: the SDK's AsyncLocalStorage context manager.
    ...(options.contextMode === 'explicit' ? { contextManager: new SyncContextManager() } : {}),
    instrumentations: options.contextMode === 'async' ? instrumentations() : [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  useUnsampledChildShortcut(options.sampler, processors.length > 0);
  let stopping: Promise<void> | undefined;
  const tracing: Tracing = { shutdown: () => (stopping ??= sdk.shutdown().catch(warnExportFailed)) };
  started[STARTED] = tracing;
  return tracing;
}

/**
 * What preload.ts runs: starts tracing from the environment unless
 * OTEL_SDK_DISABLED=true, and flushes spans on `beforeExit` for processes
 * that end on their own. Services leave with `process.exit`, which skips
 * `beforeExit`, so they call `shutdownTracing()` last when they stop.
 */
export function startTracingFromEnv(env: NodeJS.ProcessEnv): Tracing | undefined {
  if (tracingDisabled(env)) return undefined;
  const tracing = startTracing(tracingOptionsFromEnv(env));
  process.once('beforeExit', () => void tracing.shutdown());
  return tracing;
}

/** Flushes and stops the tracing started by `startTracing`, if any. Services call it last on shutdown. */
export function shutdownTracing(): Promise<void> {
  return started[STARTED]?.shutdown() ?? Promise.resolve();
}

function warnExportFailed(err: unknown): void {
  process.emitWarning(`spans not exported at shutdown: ${(err as Error)?.message ?? String(err)}`, 'TracingWarning');
}

function spanProcessors(options: TracingOptions): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (options.otlpEndpoint !== undefined) {
    const url = `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  // Simple (not batched): each span is on disk when it ends, which is what tests that read the file need.
  if (options.tracesFile !== undefined) processors.push(new SimpleSpanProcessor(new FileSpanExporter(options.tracesFile)));
  // No exporter: no processor at all, so the SDK registers no tracer provider.
  return processors.length === 0 ? [] : [new RedactingSpanProcessor(), ...processors];
}

function instrumentations() {
  return [
    // Command name only: arguments carry stored values (profiles, idempotent results).
    // Only under a span: a Redis command outside any request (start-up, health checks) starts no trace.
    // (With the explicit context no command would find its request's span: not loaded then.)
    new IORedisInstrumentation({ dbStatementSerializer: (command) => command, requireParentSpan: true }),
  ];
}
