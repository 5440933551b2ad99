/**
 * Cross-process: runs fixtures/tracedCall.ts under
 * `tsx --require ./packages/telemetry/src/preload.ts` and checks what the
 * preloaded tracing recorded and exported.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUDGET_LEFT_ATTRIBUTE } from './rpcSpans';
import { TEST_REDIS_URL } from '../../storage/src/testRedis';
import { readSpanRecords } from './spanRecord';

const REPO = resolve(__dirname, '../../..');
const TSX = join(REPO, 'node_modules/tsx/dist/cli.mjs');
const PRELOAD = './packages/telemetry/src/preload.ts';
const SCRIPT = './packages/telemetry/fixtures/tracedCall.ts';
const REDIS_SCRIPT = './packages/telemetry/fixtures/tracedRedis.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a fixture under the preload with `env` added to a clean OTEL environment; killed after 30 s. */
function runTraced(env: Record<string, string>, script = SCRIPT): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [TSX, '--require', PRELOAD, script], { cwd: REPO, env: { ...base, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'preload-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('preload', () => {
  it('records the spans of a gRPC call, client and server of one trace, in the traces file, and nothing else', async () => {
    const file = join(dir, 'spans.jsonl');
    const run = await runTraced({ OTEL_SERVICE_NAME: 'account', OTEL_TRACES_FILE: file });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ code: 0 });

    const records = readSpanRecords(file);
    // The plain HTTP request made no span: no library instrumentation patches node:http.
    expect(records.map((r) => `${r.scope} ${r.kind}`).sort()).toEqual(['@govrnanza/telemetry CLIENT', '@govrnanza/telemetry SERVER']);
    const client = records.find((r) => r.kind === 'CLIENT')!;
    const server = records.find((r) => r.kind === 'SERVER')!;
    expect(server).toMatchObject({
      traceId: client.traceId,
      parentSpanId: client.spanId,
      name: 'govrnanza.account.v1.AccountService/GetOrganization',
      'service.name': 'account',
      attributes: { 'rpc.system': 'grpc', 'rpc.method': 'GetOrganization', 'rpc.grpc.status_code': 0 },
    });
    // The attempt's budget (2 s deadline).
    const budget = client.attributes[BUDGET_LEFT_ATTRIBUTE];
    expect(budget).toBeGreaterThan(1000);
    expect(budget).toBeLessThanOrEqual(2000);
    // No request content in spans.
    expect(JSON.stringify(records)).not.toContain('org-1');
  });

  it('gives Redis commands a span under the request only with TRACE_CONTEXT=async (the context then follows awaits)', async () => {
    const spansOf = async (mode: 'explicit' | 'async') => {
      const file = join(dir, `${mode}.jsonl`);
      const run = await runTraced({ OTEL_SERVICE_NAME: 'account', OTEL_TRACES_FILE: file, TRACE_CONTEXT: mode, REDIS_URL: TEST_REDIS_URL }, REDIS_SCRIPT);
      expect(run.code, `${mode}: ${run.stderr} (needs Redis at ${TEST_REDIS_URL})`).toBe(0);
      return readSpanRecords(file);
    };
    const explicit = await spansOf('explicit');
    expect(explicit.map((r) => r.kind)).toEqual(['SERVER']);
    const async = await spansOf('async');
    const server = async.find((r) => r.kind === 'SERVER')!;
    const redis = async.filter((r) => r.scope === '@opentelemetry/instrumentation-ioredis');
    expect(redis).toHaveLength(1);
    expect(redis[0]).toMatchObject({ kind: 'CLIENT', name: 'get', traceId: server.traceId, parentSpanId: server.spanId });
    // The command's name only: never its arguments (stored values).
    expect(JSON.stringify(redis[0])).not.toContain('traced-redis');
  });

  it('exports over OTLP/HTTP protobuf to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const received: { method?: string; url?: string; headers: IncomingHttpHeaders; bytes: number }[] = [];
    const collector = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (d: Buffer) => (bytes += d.length));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, bytes });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    try {
      const { port } = collector.address() as AddressInfo;
      const run = await runTraced({ OTEL_SERVICE_NAME: 'account', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/` });
      expect(run.code, run.stderr).toBe(0);
    } finally {
      collector.closeAllConnections();
      await new Promise((r) => collector.close(r));
    }
    expect(received.length).toBeGreaterThan(0);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/v1/traces', headers: { 'content-type': 'application/x-protobuf' } });
    expect(received[0]?.bytes).toBeGreaterThan(0);
  });

  it('does nothing when OTEL_SDK_DISABLED=true', async () => {
    const file = join(dir, 'spans.jsonl');
    const run = await runTraced({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_FILE: file });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ code: 0 });
    expect(existsSync(file)).toBe(false);
  });

  it('stops the process on a bad sampler setting, naming the variable', async () => {
    const run = await runTraced({ OTEL_TRACES_SAMPLER: 'sometimes' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('OTEL_TRACES_SAMPLER: unsupported sampler "sometimes"');
    expect(run.stdout).toBe('');
  });
});
