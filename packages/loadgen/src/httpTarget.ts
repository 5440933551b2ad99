import { Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { assertLoopback } from './assertLoopback';
import type { LoadTarget, RequestOutcome } from './LoadTarget';

/** One HTTP request the target sends. */
export interface HttpRequestSpec {
  /** Default 'GET'. */
  method?: string;
  /** Path and query, e.g. '/v1/orgs/o1/apis?limit=10'. */
  path: string;
  /** Request body; a `content-type: application/json` header is added unless one is given. */
  body?: string;
  headers?: Record<string, string>;
}

/** Options of {@link httpTarget}. */
export interface HttpTargetOptions {
  /** Loopback host only; default '127.0.0.1'. */
  host?: string;
  port: number;
  /** The requests, sent round-robin. At least one. */
  requests: readonly HttpRequestSpec[];
  /** Most keep-alive sockets open at once; further requests queue in the agent. Default 256. */
  connections?: number;
  /** Which statuses count as success; default 200–399. */
  isOk?: (status: number) => boolean;
}

/** A prepared request: headers and body computed once, not per send. */
interface Prepared {
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  body: Buffer | undefined;
}

/**
 * An HTTP/1.1 target (typically the gateway) over a keep-alive agent.
 * @throws NonLoopbackHostError when `host` is not loopback.
 */
export function httpTarget(options: HttpTargetOptions): LoadTarget {
  const host = assertLoopback(options.host ?? '127.0.0.1');
  if (options.requests.length === 0) throw new RangeError('httpTarget needs at least one request');
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections ?? 256, scheduling: 'fifo' });
  const prepared = options.requests.map(prepare);
  const isOk = options.isOk ?? ((status: number) => status >= 200 && status < 400);
  let next = 0;
  const first = options.requests[0]!;
  const more = prepared.length > 1 ? ` (+${prepared.length - 1} more, round-robin)` : '';
  return {
    description: `${first.method ?? 'GET'} http://${hostPort(host, options.port)}${first.path}${more}`,
    send(timeoutMs) {
      const spec = prepared[next++ % prepared.length]!;
      return sendOne(agent, host, options.port, spec, timeoutMs, isOk);
    },
    async close() {
      agent.destroy();
    },
  };
}

function prepare(spec: HttpRequestSpec): Prepared {
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
  const headers: OutgoingHttpHeaders = { ...lowerCaseKeys(spec.headers ?? {}) };
  if (body) {
    headers['content-length'] = body.length;
    headers['content-type'] ??= 'application/json';
  }
  return { method: (spec.method ?? 'GET').toUpperCase(), path: spec.path, headers, body };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Sends one request; the body of the response is drained and discarded. */
function sendOne(
  agent: Agent,
  host: string,
  port: number,
  spec: Prepared,
  timeoutMs: number,
  isOk: (status: number) => boolean,
): Promise<RequestOutcome> {
  return new Promise((resolve) => {
    let timedOut = false;
    const req = httpRequest({ agent, host, port, method: spec.method, path: spec.path, headers: spec.headers }, (res) => {
      res.on('error', () => finish({ ok: false, code: timedOut ? 'TIMEOUT' : 'ERESPONSE' }));
      res.on('end', () => finish({ ok: isOk(res.statusCode ?? 0), code: String(res.statusCode) }));
      res.resume();
    });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy();
    }, timeoutMs);
    const finish = (outcome: RequestOutcome): void => {
      clearTimeout(timer);
      resolve(outcome);
    };
    req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, code: timedOut ? 'TIMEOUT' : (err.code ?? 'ERROR') }));
    req.end(spec.body);
  });
}
