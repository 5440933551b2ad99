import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NonLoopbackHostError } from './assertLoopback';
import { httpTarget } from './httpTarget';
import type { LoadTarget } from './LoadTarget';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function serve(handler: (req: IncomingMessage, body: string) => { status: number } | 'hang'): Promise<number> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const answer = handler(req, body);
      if (answer === 'hang') return;
      res.statusCode = answer.status;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as AddressInfo).port;
}

function track(t: LoadTarget): LoadTarget {
  cleanups.push(() => t.close());
  return t;
}

describe('httpTarget', () => {
  it('sends the requests round-robin with their method, path, body and headers', async () => {
    const seen: string[] = [];
    const port = await serve((req, body) => {
      seen.push(`${req.method} ${req.url} ${req.headers['x-org'] ?? '-'} ${req.headers['content-type'] ?? '-'} ${body}`);
      return { status: req.method === 'POST' ? 201 : 404 };
    });
    const target = track(
      httpTarget({
        port,
        requests: [
          { path: '/v1/orgs/o1' },
          { method: 'post', path: '/v1/orgs', body: '{"name":"acme"}', headers: { 'X-Org': 'o2' } },
        ],
      }),
    );
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await target.send(1000));

    expect(seen).toEqual([
      'GET /v1/orgs/o1 - - ',
      'POST /v1/orgs o2 application/json {"name":"acme"}',
      'GET /v1/orgs/o1 - - ',
    ]);
    expect(outcomes).toEqual([
      { ok: false, code: '404' },
      { ok: true, code: '201' },
      { ok: false, code: '404' },
    ]);
    expect(target.description).toBe(`GET http://127.0.0.1:${port}/v1/orgs/o1 (+1 more, round-robin)`);
  });

  it('reports a request that outlives its timeout as TIMEOUT, at the timeout', async () => {
    const port = await serve(() => 'hang');
    const target = track(httpTarget({ port, requests: [{ path: '/' }] }));
    const begin = performance.now();
    expect(await target.send(150)).toEqual({ ok: false, code: 'TIMEOUT' });
    const took = performance.now() - begin;
    expect(took).toBeGreaterThanOrEqual(145);
    expect(took).toBeLessThan(1000);
  });

  it('reports a refused connection by its error code', async () => {
    const port = await serve(() => ({ status: 200 }));
    await cleanups.pop()!();
    const target = track(httpTarget({ port, requests: [{ path: '/' }] }));
    expect(await target.send(1000)).toEqual({ ok: false, code: 'ECONNREFUSED' });
  });

  it('refuses a non-loopback host before any connection', () => {
    expect(() => httpTarget({ host: '10.1.2.3', port: 80, requests: [{ path: '/' }] })).toThrow(NonLoopbackHostError);
    expect(() => httpTarget({ host: 'gateway.example.com', port: 80, requests: [{ path: '/' }] })).toThrow(/refusing host/);
  });
});
