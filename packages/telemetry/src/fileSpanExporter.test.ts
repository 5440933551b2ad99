import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSpanExporter } from './fileSpanExporter';
import { readSpanRecords } from './spanRecord';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'spans-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tracerWriting(file: string, service: string) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(new FileSpanExporter(file))],
  });
  return { provider, tracer: provider.getTracer('test-scope') };
}

describe('FileSpanExporter', () => {
  it('appends one JSON line per finished span, parents linked', async () => {
    const file = join(dir, 'spans.jsonl');
    const { provider, tracer } = tracerWriting(file, 'registry');
    const parent = tracer.startSpan('GET /v1/orgs/{org}/apis', { kind: SpanKind.SERVER });
    const child = tracer.startSpan('grpc.account/GetOrganization', { kind: SpanKind.CLIENT }, trace.setSpan(ROOT_CONTEXT, parent));
    child.addEvent('retry', { 'govrnanza.attempt': 2 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'unavailable' });
    child.end();
    parent.setAttribute('http.route', '/v1/orgs/{org}/apis');
    parent.end();
    await provider.shutdown();

    const [c, p] = readSpanRecords(file);
    expect(p).toMatchObject({
      name: 'GET /v1/orgs/{org}/apis',
      kind: 'SERVER',
      'service.name': 'registry',
      scope: 'test-scope',
      attributes: { 'http.route': '/v1/orgs/{org}/apis' },
      status: { code: 'UNSET' },
      events: [],
    });
    expect(p).not.toHaveProperty('parentSpanId');
    expect(c).toMatchObject({
      traceId: p?.traceId,
      parentSpanId: p?.spanId,
      kind: 'CLIENT',
      status: { code: 'ERROR', message: 'unavailable' },
      events: [{ name: 'retry', attributes: { 'govrnanza.attempt': 2 } }],
    });
    expect(c!.endTimeUnixMs).toBeGreaterThanOrEqual(c!.startTimeUnixMs);
    expect(Math.abs(c!.startTimeUnixMs - Date.now())).toBeLessThan(60_000);
  });

  it('lets several writers share a file', async () => {
    const file = join(dir, 'spans.jsonl');
    const a = tracerWriting(file, 'gateway');
    const b = tracerWriting(file, 'account');
    a.tracer.startSpan('a').end();
    b.tracer.startSpan('b').end();
    a.tracer.startSpan('a2').end();
    await Promise.all([a.provider.shutdown(), b.provider.shutdown()]);
    expect(readSpanRecords(file).map((r) => [r.name, r['service.name']])).toEqual([
      ['a', 'gateway'],
      ['b', 'account'],
      ['a2', 'gateway'],
    ]);
  });

  it('fails exports after shutdown and when the file cannot be written', async () => {
    const closed = new FileSpanExporter(join(dir, 'x.jsonl'));
    await closed.shutdown();
    const results: ExportResultCode[] = [];
    closed.export([], (r) => results.push(r.code));
    new FileSpanExporter(join(dir, 'missing-dir', 'x.jsonl')).export([], (r) => results.push(r.code));
    expect(results).toEqual([ExportResultCode.FAILED, ExportResultCode.FAILED]);
  });
});

describe('readSpanRecords', () => {
  it('reads a file that does not exist as no spans', () => {
    expect(readSpanRecords(join(dir, 'none.jsonl'))).toEqual([]);
  });
});
