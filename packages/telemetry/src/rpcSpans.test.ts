import { Metadata } from '@grpc/grpc-js';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AlwaysOnSampler,
  InMemorySpanExporter,
  NodeTracerProvider,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BUDGET_LEFT_ATTRIBUTE, WITHDRAWN_ATTRIBUTE, startGrpcClientSpan, startGrpcServerSpan, startHttpServerSpan } from './rpcSpans';
import { keepsUnsampledChildrenUnsampled, useUnsampledChildShortcut } from './unsampledChildren';

const spans = new InMemorySpanExporter();
const sampler = new ParentBasedSampler({ root: new AlwaysOnSampler() });
const provider = new NodeTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(spans)] });
provider.register({ propagator: new W3CTraceContextPropagator() });

beforeEach(() => spans.reset());
afterAll(async () => {
  useUnsampledChildShortcut(sampler, false);
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

const PATH = '/govrnanza.account.v1.AccountService/GetOrganization';
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const PARENT = 'b7ad6b7169203331';
const traceparent = (flags: '00' | '01') => `00-${TRACE}-${PARENT}-${flags}`;
const finished = () => spans.getFinishedSpans();

function metadataWith(entries: Record<string, string>): Metadata {
  const m = new Metadata();
  for (const [k, v] of Object.entries(entries)) m.set(k, v);
  return m;
}

describe('startGrpcServerSpan', () => {
  it("continues the caller's sampled trace, named and labelled by the RPC conventions", () => {
    const span = startGrpcServerSpan(PATH, metadataWith({ traceparent: traceparent('01') }));
    expect(span.recording).toBe(true);
    span.end(0);
    const [s] = finished();
    expect(s).toMatchObject({ name: 'govrnanza.account.v1.AccountService/GetOrganization', kind: 1 });
    expect(s!.spanContext().traceId).toBe(TRACE);
    expect(s!.parentSpanContext?.spanId).toBe(PARENT);
    expect(s!.attributes).toEqual({ 'rpc.system': 'grpc', 'rpc.service': 'govrnanza.account.v1.AccountService', 'rpc.method': 'GetOrganization', 'rpc.grpc.status_code': 0 });
    expect(s!.status.code).toBe(0);
  });

  it("marks the server's own failures as errors, not the caller's mistakes", () => {
    startGrpcServerSpan(PATH, new Metadata()).end(14);
    startGrpcServerSpan(PATH, new Metadata()).end(5);
    expect(finished().map((s) => [s.attributes['rpc.grpc.status_code'], s.status.code])).toEqual([
      [14, 2],
      [5, 0],
    ]);
  });

  it("records nothing under an unsampled caller, and keeps the caller's trace for the calls it makes", () => {
    const span = startGrpcServerSpan(PATH, metadataWith({ traceparent: traceparent('00') }));
    expect(span.recording).toBe(false);
    // Not recording: nothing is made active.
    span.runInside(() => expect(trace.getActiveSpan()).toBeUndefined());
    const out = new Metadata();
    const child = startGrpcClientSpan(PATH, span.context, out, Date.now() + 1000);
    expect(child.recording).toBe(false);
    expect(String(out.get('traceparent')[0])).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-00$`));
    child.end(0);
    span.end(0);
    expect(finished()).toHaveLength(0);
  });
});

describe('startGrpcClientSpan', () => {
  it("is the parent's child, sends its own context to the server, and records the budget left", () => {
    const server = startGrpcServerSpan(PATH, new Metadata());
    const out = new Metadata();
    const client = startGrpcClientSpan(PATH, server.context, out, Date.now() + 800);
    client.runInside(() => expect(trace.getActiveSpan()?.spanContext().spanId).toBe(trace.getSpan(client.context)!.spanContext().spanId));
    client.end(4);
    server.end(0);
    const [c, s] = finished();
    expect(c!.kind).toBe(2);
    expect(c!.parentSpanContext?.spanId).toBe(s!.spanContext().spanId);
    expect(String(out.get('traceparent')[0])).toBe(`00-${s!.spanContext().traceId}-${c!.spanContext().spanId}-01`);
    expect(c!.attributes[BUDGET_LEFT_ATTRIBUTE]).toBeGreaterThan(700);
    expect(c!.attributes[BUDGET_LEFT_ATTRIBUTE]).toBeLessThanOrEqual(800);
    // A client span counts every failed attempt as an error.
    expect(c!.status).toEqual({ code: 2, message: 'DeadlineExceeded' });
  });

  it('marks an attempt its caller withdrew (a hedge that lost), not as an error', () => {
    startGrpcClientSpan(PATH, ROOT_CONTEXT, new Metadata(), Infinity).end(1, true);
    const [c] = finished();
    expect(c!.attributes).toMatchObject({ 'rpc.grpc.status_code': 1, [WITHDRAWN_ATTRIBUTE]: true });
    expect(c!.status.code).toBe(0);
  });

  it('records no budget for a call without a deadline', () => {
    startGrpcClientSpan(PATH, ROOT_CONTEXT, new Metadata(), Infinity).end(0);
    expect(finished()[0]!.attributes).not.toHaveProperty(BUDGET_LEFT_ATTRIBUTE);
  });
});

describe('startHttpServerSpan', () => {
  it('is named after the route template, with method, route and status, and nothing about the caller', () => {
    const span = startHttpServerSpan('GET', '/v1/orgs/org_1?pageToken=secret', { traceparent: traceparent('01'), 'user-agent': 'alice-agent', 'x-forwarded-for': '203.0.113.9' });
    span.setRoute('/v1/orgs/{org}');
    span.end(200);
    const [s] = finished();
    expect(s!.name).toBe('GET /v1/orgs/{org}');
    expect(s!.spanContext().traceId).toBe(TRACE);
    expect(s!.attributes).toEqual({ 'http.request.method': 'GET', 'url.path': '/v1/orgs/org_1', 'http.route': '/v1/orgs/{org}', 'http.response.status_code': 200 });
    expect(s!.status.code).toBe(0);
  });

  it('records no path for a request that matched no route (it is whatever the client typed)', () => {
    startHttpServerSpan('GET', '/ada@example.org', {}).end(404);
    expect(finished()[0]!.attributes).toEqual({ 'http.request.method': 'GET', 'http.response.status_code': 404 });
  });

  it('counts a 5xx, or no response at all, as an error; a 4xx is not', () => {
    for (const status of [503, 404, undefined]) startHttpServerSpan('POST', '/v1/orgs', {}).end(status);
    expect(finished().map((s) => [s.attributes['http.response.status_code'], s.status.code])).toEqual([
      [503, 2],
      [404, 0],
      [undefined, 2],
    ]);
  });
});

describe('the child of an unsampled parent without the SDK', () => {
  afterAll(() => useUnsampledChildShortcut(sampler, false));

  it('is used only under a registered provider whose sampler keeps such children unsampled', () => {
    expect(keepsUnsampledChildrenUnsampled(sampler)).toBe(true);
    expect(keepsUnsampledChildrenUnsampled(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.01) }))).toBe(true);
    expect(keepsUnsampledChildrenUnsampled(new AlwaysOnSampler())).toBe(false);
    expect(keepsUnsampledChildrenUnsampled(new TraceIdRatioBasedSampler(0.01))).toBe(false);
    expect(keepsUnsampledChildrenUnsampled(new ParentBasedSampler({ root: new AlwaysOnSampler(), localParentNotSampled: new AlwaysOnSampler() }))).toBe(false);
    expect(keepsUnsampledChildrenUnsampled(new ParentBasedSampler({ root: new AlwaysOnSampler(), remoteParentNotSampled: new AlwaysOnSampler() }))).toBe(false);
    expect(useUnsampledChildShortcut(sampler, false)).toBe(false);
    expect(useUnsampledChildShortcut(new AlwaysOnSampler(), true)).toBe(false);
    expect(useUnsampledChildShortcut(sampler, true)).toBe(true);
  });

  /** The server span under an unsampled caller with trace state, its client child, and what the client sends on. */
  function chain() {
    const server = startGrpcServerSpan(PATH, metadataWith({ traceparent: traceparent('00'), tracestate: 'vendor=abc' }));
    const out = new Metadata();
    const client = startGrpcClientSpan(PATH, server.context, out, Date.now() + 1000);
    const http = startHttpServerSpan('GET', '/v1/orgs/o', { traceparent: traceparent('00') });
    const ctx = (c: typeof server.context) => trace.getSpanContext(c)!;
    const shape = {
      recording: [server.recording, client.recording, http.recording],
      server: ctx(server.context),
      client: ctx(client.context),
      http: ctx(http.context),
      sent: String(out.get('traceparent')[0]),
      sentState: String(out.get('tracestate')[0]),
    };
    client.end(0);
    server.end(0);
    http.end(200);
    return shape;
  }

  it("records what the SDK records (nothing) and sends the caller's trace on, without asking the SDK", () => {
    const asked = vi.spyOn(sampler, 'shouldSample');
    useUnsampledChildShortcut(sampler, false);
    const viaSdk = chain();
    expect(asked).toHaveBeenCalledTimes(3);
    asked.mockClear();
    useUnsampledChildShortcut(sampler, true);
    const direct = chain();
    expect(asked).not.toHaveBeenCalled();
    asked.mockRestore();
    for (const shape of [viaSdk, direct]) {
      expect(shape.recording).toEqual([false, false, false]);
      for (const c of [shape.server, shape.client, shape.http]) {
        expect(c.traceId).toBe(TRACE);
        expect(c.traceFlags).toBe(0);
        expect(c.spanId).toMatch(/^[0-9a-f]{16}$/);
        expect(c.spanId).not.toBe('0000000000000000');
      }
      expect(shape.server.traceState?.serialize()).toBe('vendor=abc');
      expect(shape.sent).toBe(`00-${TRACE}-${shape.client.spanId}-00`);
      expect(shape.sentState).toBe('vendor=abc');
    }
    // The SDK draws a span id for every child; without it the calls go on under the caller's own.
    expect(viaSdk.server.spanId).not.toBe(PARENT);
    expect(viaSdk.client.spanId).not.toBe(viaSdk.server.spanId);
    expect([direct.server.spanId, direct.client.spanId, direct.http.spanId]).toEqual([PARENT, PARENT, PARENT]);
    expect(direct.sent).toBe(traceparent('00'));
    expect(finished()).toHaveLength(0);
  });

  it('leaves a parent whose ids are invalid to the SDK, which starts a new trace', () => {
    useUnsampledChildShortcut(sampler, true);
    // The propagator never extracts such a context (its pattern refuses all-zero ids); code can still make one.
    const invalid = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0'.repeat(32), spanId: PARENT, traceFlags: 0 });
    const client = startGrpcClientSpan(PATH, invalid, new Metadata(), Infinity);
    expect(client.recording).toBe(true);
    expect(trace.getSpanContext(client.context)!.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    client.end(0);
    expect(finished()).toHaveLength(1);
  });

  it('leaves a sampled parent, and a new trace, to the SDK', () => {
    useUnsampledChildShortcut(sampler, true);
    const sampled = startGrpcServerSpan(PATH, metadataWith({ traceparent: traceparent('01') }));
    const root = startGrpcServerSpan(PATH, new Metadata());
    expect([sampled.recording, root.recording]).toEqual([true, true]);
    sampled.end(0);
    root.end(0);
    expect(finished()).toHaveLength(2);
  });
});
