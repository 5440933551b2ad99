import { request, Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from './metrics';
import { startMetricsServer, type MetricsServer } from './metricsServer';
import { parsePrometheusText } from './parsePrometheusText';

interface Reply {
  status: number;
  contentType: string | undefined;
  body: string;
}

function get(port: number, path: string, init: { method?: string; accept?: string; agent?: Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.accept ? { accept: init.accept } : {}, agent: init.agent },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startMetricsServer', () => {
  it('serves the registry on GET /metrics, as classic text by default', async () => {
    const metrics = createMetrics('billing');
    metrics.recordFaultInjected('GetUsage', 'abort');
    server = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: metrics.registry });
    expect(server.port).toBeGreaterThan(0);
    const reply = await get(server.port, '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const faults = parsePrometheusText(reply.body).filter((s) => s.name === 'govrnanza_faults_injected_total');
    expect(faults).toEqual([
      { name: 'govrnanza_faults_injected_total', labels: { grpc_method: 'GetUsage', kind: 'abort', service: 'billing' }, value: 1 },
    ]);
  });

  it('serves OpenMetrics to a scraper that asks for it', async () => {
    server = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: createMetrics('billing').registry });
    const reply = await get(server.port, '/metrics?x=1', { accept: 'application/openmetrics-text;version=1.0.0,text/plain;q=0.5' });
    expect(reply.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(reply.body.endsWith('# EOF\n')).toBe(true);
  });

  it('answers HEAD without a body and 404 elsewhere', async () => {
    server = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: createMetrics('billing').registry });
    const head = await get(server.port, '/metrics', { method: 'HEAD' });
    expect([head.status, head.body]).toEqual([200, '']);
    expect((await get(server.port, '/')).status).toBe(404);
    expect((await get(server.port, '/metrics/extra')).status).toBe(404);
    expect((await get(server.port, '/metrics', { method: 'POST' })).status).toBe(404);
  });

  it('closes promptly with a keep-alive scraper connected', async () => {
    const agent = new Agent({ keepAlive: true });
    server = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: createMetrics('billing').registry });
    try {
      await get(server.port, '/metrics', { agent });
      const t0 = Date.now();
      await server.close();
      expect(Date.now() - t0).toBeLessThan(1000);
      await expect(get(server.port, '/metrics')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      agent.destroy();
    }
  });

  it('fails to start on a port in use', async () => {
    server = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: createMetrics('billing').registry });
    await expect(startMetricsServer({ host: '127.0.0.1', port: server.port, registry: createMetrics('billing').registry })).rejects.toThrow(
      /EADDRINUSE/,
    );
  });
});
