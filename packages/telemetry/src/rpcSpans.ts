import {
  context,
  propagation,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import type { Metadata } from '@grpc/grpc-js';
import type { IncomingHttpHeaders } from 'node:http';
import rootPackage from '../../../package.json';
import { grpcCodeName } from './grpcCodeName';
import { grpcMethodOf, type GrpcMethod } from './grpcMethod';
import { underUnsampledParent } from './unsampledChildren';

/**
 * Govrnanza's gRPC and HTTP spans, made with the OpenTelemetry API at the
 * points where the runtime already holds the call (the server edge, each
 * attempt on the wire, the gateway's request handler) instead of by
 * @opentelemetry/instrumentation-grpc and -http, which patch grpc-js and
 * node:http and did their work (context binding of every call's emitters,
 * wrapped callbacks, span objects) on every call, sampled or not: measured
 * at about a third of the three-process chain's throughput (README,
 * Performance). Here an unsampled call costs a traceparent parsed and
 * written, and no span under a parent-based sampler (a non-recording span
 * otherwise); the trace context travels in the
 * CallContext, and only a recording span is made the active one, for the
 * synchronous code that looks for it (grpc-js while it sends, a logger).
 *
 * Span names and attributes follow the OpenTelemetry RPC and HTTP semantic
 * conventions: `<package.Service>/<Method>` with rpc.system, rpc.service,
 * rpc.method and rpc.grpc.status_code; `<METHOD> <route template>` with
 * http.request.method, url.path, http.route and http.response.status_code. Nothing
 * identifying the caller (address, user agent), no message, no query string.
 */
const tracer = trace.getTracer('@govrnanza/telemetry', rootPackage.version);

/** Span attribute: milliseconds between the attempt's start and its deadline (absent when the call has none). */
export const BUDGET_LEFT_ATTRIBUTE = 'govrnanza.deadline.budget_left_ms';

/** A started span and the context that carries it to what runs under it. */
export interface ActiveSpan {
  /** The parent's context with this span set: pass it on to calls made under the span. */
  readonly context: Context;
  /** True when sampled: only then do attributes, events and `runInside` matter. */
  readonly recording: boolean;
  /**
   * Runs `fn` with this span as the active one when it records (trace
   * exemplars and library instrumentations look there), directly otherwise.
   * With the default explicit context (`TRACE_CONTEXT`) that lasts while `fn`
   * runs synchronously; code after an await uses the context it was given.
   */
  runInside<T>(fn: () => T): T;
}

/** A span of one gRPC call, ended with the call's status code. */
export interface RpcSpan extends ActiveSpan {
  /**
   * Ends the span with `code`. `withdrawn`: the caller itself cancelled the
   * attempt (a hedge that lost, a request given up upstream), so it is
   * marked so and not counted as an error.
   */
  end(code: number, withdrawn?: boolean): void;
}

/** Span attribute: true on a client attempt its caller cancelled (see `RpcSpan.end`). */
export const WITHDRAWN_ATTRIBUTE = 'govrnanza.attempt.withdrawn';

/** A span of one HTTP request, named after its route once known, ended with the response status. */
export interface HttpSpan extends ActiveSpan {
  /** The route template matched, e.g. `/v1/orgs/{org}`: names the span. */
  setRoute(template: string): void;
  /** Ends the span; `status` undefined when no response was sent (the client went away). */
  end(status: number | undefined): void;
}

const metadataGetter: TextMapGetter<Metadata> = {
  keys: (carrier) => Object.keys(carrier.getMap()),
  get: (carrier, key) => {
    const values = carrier.get(key);
    if (values.length === 0) return undefined;
    return values.map((v) => (typeof v === 'string' ? v : v.toString('utf8')));
  },
};

const metadataSetter: TextMapSetter<Metadata> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

const headersGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** The trace context the caller of a gRPC call sent in `metadata` (W3C traceparent); the empty context without one. */
export function callerTraceContext(metadata: Metadata): Context {
  return propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
}

/**
 * The server span of a gRPC call, child of the trace context the caller
 * sent in `metadata` (W3C traceparent), if any.
 */
export function startGrpcServerSpan(path: string, metadata: Metadata): RpcSpan {
  return rpcSpan(path, SpanKind.SERVER, callerTraceContext(metadata));
}

/**
 * The client span of one attempt of a gRPC call under `parent`, its trace
 * context written into `metadata` for the server. `deadline` (epoch ms,
 * Infinity for none) is recorded as the budget the attempt had left.
 */
export function startGrpcClientSpan(path: string, parent: Context, metadata: Metadata, deadline: number): RpcSpan {
  const span = rpcSpan(path, SpanKind.CLIENT, parent);
  if (span.recording && Number.isFinite(deadline)) trace.getSpan(span.context)!.setAttribute(BUDGET_LEFT_ATTRIBUTE, deadline - Date.now());
  propagation.inject(span.context, metadata, metadataSetter);
  return span;
}

/**
 * The server span of an HTTP request, child of the trace context in its
 * headers, if any. `url` is the request target; only its path is recorded,
 * and only once it matched a route (ids of resources, never the query string).
 */
export function startHttpServerSpan(method: string, url: string, headers: IncomingHttpHeaders): HttpSpan {
  const parent = propagation.extract(ROOT_CONTEXT, headers, headersGetter);
  if (!tracingActive() || underUnsampledParent(parent)) return untraced(parent);
  const span = tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
  if (span.isRecording()) span.setAttribute('http.request.method', method);
  return new HttpServerSpan(span, parent, method, url);
}

/**
 * Attributes are set once the span is known to record, not passed to
 * `startSpan`: the SDK copies and checks what it is given before it asks the
 * sampler, on every call, sampled or not. So a sampler sees no attributes
 * (the standard ones decide on the trace id and the parent). Under an
 * unsampled parent, when the sampler follows the parent, no span is made: the
 * call goes on under the parent's context (see `underUnsampledParent`).
 */
function rpcSpan(path: string, kind: SpanKind, parent: Context): RpcSpan {
  if (!tracingActive() || underUnsampledParent(parent)) return untraced(parent);
  const method = grpcMethodOf(path, false, false);
  const span = tracer.startSpan(spanNameOf(method), { kind }, parent);
  if (span.isRecording()) span.setAttributes(rpcAttributes(method));
  return new GrpcSpan(span, parent, kind);
}

const NO_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * True when a tracer provider is registered (the SDK started). Asked on every
 * span, not once, so the handles follow a provider registered after this
 * module loaded. Without one the API's tracer only hands out non-recording
 * spans that carry the parent's trace context on: the span handles then skip
 * it (see `untraced`). A provider registered through another copy of the API
 * counts as one; this module's tracer reaches it only if it was registered
 * before that tracer was first used (the preload registers before any
 * service code runs).
 */
export function tracingActive(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_PROVIDER;
}

/**
 * The span handle while tracing is off, or under an unsampled parent whose
 * children the sampler keeps unsampled: the parent's context as it is (what
 * the API's no-op tracer would give, minus the span and context objects it
 * makes on every call), nothing recorded.
 */
class Untraced implements RpcSpan, HttpSpan {
  readonly recording = false;

  constructor(readonly context: Context) {}

  runInside<T>(fn: () => T): T {
    return fn();
  }

  setRoute(): void {}

  end(): void {}
}

const UNTRACED_ROOT = new Untraced(ROOT_CONTEXT);

function untraced(parent: Context): Untraced {
  return parent === ROOT_CONTEXT ? UNTRACED_ROOT : new Untraced(parent);
}

const spanNames = new Map<GrpcMethod, string>();

function spanNameOf(method: GrpcMethod): string {
  let name = spanNames.get(method);
  if (name === undefined) {
    name = `${method.service}/${method.name}`;
    spanNames.set(method, name);
  }
  return name;
}

/** The constant attributes of a method's spans, built once per method (the SDK copies what it records). */
const attributesByMethod = new Map<GrpcMethod, Attributes>();

function rpcAttributes(method: GrpcMethod): Attributes {
  let attributes = attributesByMethod.get(method);
  if (attributes === undefined) {
    attributes = Object.freeze({ 'rpc.system': 'grpc', 'rpc.service': method.service, 'rpc.method': method.name });
    attributesByMethod.set(method, attributes);
  }
  return attributes;
}

// Classes rather than object literals with closures: one allocation per span, on every call.
class SpanHandle implements ActiveSpan {
  readonly context: Context;
  readonly recording: boolean;

  constructor(
    protected readonly span: Span,
    parent: Context,
  ) {
    this.context = trace.setSpan(parent, span);
    this.recording = span.isRecording();
  }

  runInside<T>(fn: () => T): T {
    return this.recording ? context.with(this.context, fn) : fn();
  }
}

class GrpcSpan extends SpanHandle implements RpcSpan {
  constructor(
    span: Span,
    parent: Context,
    private readonly kind: SpanKind,
  ) {
    super(span, parent);
  }

  end(code: number, withdrawn = false): void {
    if (this.recording) {
      this.span.setAttribute('rpc.grpc.status_code', code);
      if (withdrawn) this.span.setAttribute(WITHDRAWN_ATTRIBUTE, true);
      else if (isError(this.kind, code)) this.span.setStatus({ code: SpanStatusCode.ERROR, message: grpcCodeName(code) });
    }
    this.span.end();
  }
}

class HttpServerSpan extends SpanHandle implements HttpSpan {
  constructor(
    span: Span,
    parent: Context,
    private readonly method: string,
    private readonly url: string,
  ) {
    super(span, parent);
  }

  /** The path is recorded only once it matched a route: an unmatched one is whatever a client typed. */
  setRoute(template: string): void {
    if (!this.recording) return;
    const query = this.url.indexOf('?');
    this.span.updateName(`${this.method} ${template}`);
    this.span.setAttributes({ 'http.route': template, 'url.path': query === -1 ? this.url : this.url.slice(0, query) });
  }

  end(status: number | undefined): void {
    if (this.recording) {
      if (status !== undefined) this.span.setAttribute('http.response.status_code', status);
      // HTTP server semantic conventions: only 5xx (or no response) is a server span error.
      if (status === undefined || status >= 500) this.span.setStatus({ code: SpanStatusCode.ERROR, message: status === undefined ? 'no response sent' : undefined });
    }
    this.span.end();
  }
}

/** Status codes a server span counts as its own error (RPC semantic conventions); a client span counts every non-OK. */
const SERVER_ERROR_CODES = new Set([2, 4, 12, 13, 14, 15]); // UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS

function isError(kind: SpanKind, code: number): boolean {
  if (code === 0) return false;
  return kind === SpanKind.CLIENT || SERVER_ERROR_CODES.has(code);
}
