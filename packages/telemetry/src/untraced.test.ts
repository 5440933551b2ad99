import { Metadata, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOnSampler, InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { instrumentHandler, traceContextOf } from './instrumentHandler';
import { startGrpcClientSpan, startGrpcServerSpan, startHttpServerSpan, tracingActive } from './rpcSpans';

// Tracing off, as a service runs with OTEL_SDK_DISABLED=true: no tracer provider is registered.

const PATH = '/govrnanza.account.v1.AccountService/GetOrganization';
const CALLER = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

// The provider registered by the last test stays until the end: the module's tracer keeps the
// provider it first found (as the API's tracers do), so the tests before it register none.
afterEach(() => propagation.disable());
afterAll(() => {
  trace.disable();
  context.disable();
});

function metadataWith(traceparent?: string): Metadata {
  const m = new Metadata();
  if (traceparent) m.set('traceparent', traceparent);
  return m;
}

function registerProvider(spans: InMemorySpanExporter): NodeTracerProvider {
  const provider = new NodeTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(spans)] });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return provider;
}

describe('spans without a tracer provider', () => {
  it('record nothing and hand on the parent context itself, with no span or context made', () => {
    const server = startGrpcServerSpan(PATH, metadataWith());
    expect(server.recording).toBe(false);
    expect(server.context).toBe(ROOT_CONTEXT);
    const parent = ROOT_CONTEXT.setValue(Symbol('a value'), 1);
    const client = startGrpcClientSpan(PATH, parent, new Metadata(), Date.now() + 1000);
    expect(client.context).toBe(parent);
    expect(client.runInside(() => 'ran')).toBe('ran');
    client.end(14);
    const http = startHttpServerSpan('GET', '/v1/orgs/o1', {});
    http.setRoute('/v1/orgs/{org}');
    http.end(200);
    expect(http.context).toBe(ROOT_CONTEXT);
  });

  it("pass the caller's trace on as the API's no-op tracer does, when a propagator is registered without one", () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const server = startGrpcServerSpan(PATH, metadataWith(CALLER));
    const sent = new Metadata();
    startGrpcClientSpan(PATH, server.context, sent, Infinity);
    // What the API gives without our shortcut: a non-recording span carrying the parent's trace.
    const parent = propagation.extract(ROOT_CONTEXT, { traceparent: CALLER });
    const noop = trace.setSpan(parent, trace.getTracer('reference').startSpan('x', {}, parent));
    const expected: Record<string, string> = {};
    propagation.inject(noop, expected);
    expect(sent.get('traceparent')).toEqual([expected.traceparent]);
    expect(expected.traceparent).toBe(CALLER);
  });
});

describe('instrumentHandler without metrics or a tracer provider', () => {
  type Call = ServerUnaryCall<unknown, unknown>;
  const fakeCall = (traceparent?: string): Call => ({ metadata: metadataWith(traceparent), cancelled: false, once: () => undefined }) as unknown as Call;

  it("runs the handler as it is, with the caller's trace context for the calls it makes", () => {
    const seen: { callback?: unknown; traceparent?: string }[] = [];
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const handler = instrumentHandler(PATH, (call, callback) => {
      const out: Record<string, string> = {};
      propagation.inject(traceContextOf(call), out);
      seen.push({ callback, traceparent: out.traceparent });
    });
    const callback: sendUnaryData<unknown> = () => undefined;
    handler(fakeCall(CALLER), callback);
    handler(fakeCall(), callback);
    expect(seen).toEqual([
      { callback, traceparent: CALLER },
      { callback, traceparent: undefined },
    ]);
  });

  it('records the span of a call once a provider is registered (asked on every call), with no new wrapping', async () => {
    const handler = instrumentHandler(PATH, (_call, callback) => callback(null, {}));
    expect(tracingActive()).toBe(false);
    const spans = new InMemorySpanExporter();
    const provider = registerProvider(spans);
    expect(tracingActive()).toBe(true);
    const answered: unknown[] = [];
    handler(fakeCall(CALLER), (err) => answered.push(err));
    expect(answered).toEqual([null]);
    expect(spans.getFinishedSpans().map((s) => [s.name, s.spanContext().traceId])).toEqual([
      ['govrnanza.account.v1.AccountService/GetOrganization', '0af7651916cd43dd8448eb211c80319c'],
    ]);
    await provider.shutdown();
  });
});
