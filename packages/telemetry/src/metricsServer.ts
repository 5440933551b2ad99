import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry, RegistryContentType } from 'prom-client';
import { renderMetrics } from './renderMetrics';

export interface MetricsServerOptions {
  /** Bind address, e.g. `127.0.0.1` (locally) or `0.0.0.0` (in a cluster). */
  host: string;
  /** Port; 0 picks a free one. */
  port: number;
  registry: Registry<RegistryContentType>;
}

/** A started /metrics listener. */
export interface MetricsServer {
  /** The bound port (useful when 0 was asked). */
  port: number;
  /** Stops listening and drops open (keep-alive) scrape connections; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (and HEAD) from `registry` on its own HTTP listener,
 * in OpenMetrics or classic text format as the scraper asks (see
 * `renderMetrics`); every other path is 404.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => void handle(options.registry, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }));
  return { port: (server.address() as AddressInfo).port, close };
}

async function handle(registry: Registry<RegistryContentType>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  try {
    const { contentType, body } = await renderMetrics(registry, req.headers.accept);
    res.writeHead(200, { 'content-type': contentType });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics collection failed\n');
  }
}
