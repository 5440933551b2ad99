import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { CancellationSource, createCallContext, requestIdFrom, type Logger, type ResilienceMode } from '@govrnanza/runtime';
import { startHttpServerSpan, type HttpSpan } from '@govrnanza/telemetry';
import { ROUTES } from '@govrnanza/topology';
import type { GatewayConfig } from './gatewayConfig';
import { HttpError, toHttpError } from './http/httpError';
import { Fields } from './http/fields';
import { readJsonBody } from './http/jsonBody';
import { Router } from './http/router';
import type { RouteHandler } from './routeHandlers';

/** Without resilience there is no per-request budget: only this flat ceiling, in ms, so nothing hangs forever. */
export const NO_BUDGET_CEILING_MS = 30_000;
/** How long past its deadline a request may take before the gateway answers 504 itself, in ms. */
const DEADLINE_SLACK_MS = 50;

/** Why a request's work is aborted when its connection closes. */
const CLIENT_WENT_AWAY = new Error('client went away');
const RESPONSE_SENT = new Error('response sent');

/** Records each answered request (telemetry's HTTP RED metrics). */
export interface HttpObserver {
  observe(route: string, method: string, status: number, seconds: number): void;
}

export interface GatewayServerOptions {
  config: GatewayConfig & { resilience: ResilienceMode };
  handlers: Record<string, RouteHandler>;
  log: Logger;
  observer?: HttpObserver;
}

/** The gateway's HTTP server plus a graceful stop. */
export interface GatewayServer {
  server: Server;
  /** Fails /healthz, stops accepting, lets requests finish for up to `graceMs`, then closes connections. */
  stop(graceMs: number): Promise<void>;
}

/**
 * The public HTTP/JSON edge. Sets each request's time budget (per route,
 * lowered by an `x-request-timeout-ms` header, never raised), its request
 * id, and answers every error as JSON `{code, message, details}`.
 */
export function createGatewayServer(opts: GatewayServerOptions): GatewayServer {
  const router = new Router(ROUTES.filter((r) => opts.config.lab || !r.lab));
  let draining = false;
  let inFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    res.once('close', () => inFlight--);
    // Probes are not traffic: /healthz gets no span.
    if (req.url === '/healthz') return void handle(req, res, undefined);
    const span = startHttpServerSpan(req.method ?? 'GET', req.url ?? '/', req.headers);
    res.once('close', () => span.end(res.writableFinished ? res.statusCode : undefined));
    span.runInside(() => void handle(req, res, span));
  });
  server.requestTimeout = NO_BUDGET_CEILING_MS + 5_000;
  server.headersTimeout = 10_000;

  async function handle(req: IncomingMessage, res: ServerResponse, span: HttpSpan | undefined): Promise<void> {
    const started = performance.now();
    // The trace id is the request id only for a trace this request started (see requestIdFrom).
    const requestId = requestIdFrom(req.headers['x-request-id'], req.headers.traceparent === undefined ? span?.context : undefined);
    res.setHeader('x-request-id', requestId);
    const traced = span && trace.getSpanContext(span.context);
    if (traced && isSpanContextValid(traced)) res.setHeader('x-trace-id', traced.traceId);
    const url = new URL(req.url ?? '/', 'http://gateway');
    const method = req.method ?? 'GET';
    if (url.pathname === '/healthz' && method === 'GET') {
      return send(res, draining ? 503 : 200, { status: draining ? 'draining' : 'ok' });
    }
    const found = router.route(method, url.pathname);
    if (found.kind !== 'match') {
      const err =
        found.kind === 'method'
          ? new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}`, {}, { allow: found.allow.join(', ') })
          : new HttpError(404, 'NOT_FOUND', `no route ${method} ${url.pathname}`);
      req.resume();
      return sendError(res, err);
    }
    const { route, params } = found.match;
    span?.setRoute(route.template);
    const cancellation = new CancellationSource();
    // 'close' follows every response: whatever still runs for it stops (e.g. the other calls of a
    // fan-out that already failed), with a reason made once, not per request.
    res.once('close', () => cancellation.abort(res.writableFinished ? RESPONSE_SENT : CLIENT_WENT_AWAY));
    let timer: NodeJS.Timeout | undefined;
    let status = 500;
    try {
      const budgetMs = budgetFor(route.id, req.headers['x-request-timeout-ms'], opts.config);
      const deadline = Date.now() + budgetMs;
      const ctx = createCallContext({ requestId, deadline, cancellation, log: opts.log, method: route.id, trace: span?.context });
      const body = route.method === 'POST' ? new Fields(await readJsonBody(req, opts.config.maxBodyBytes)) : new Fields({});
      const idempotencyKey = headerValue(req.headers['idempotency-key']);
      const deadlineHit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HttpError(504, 'DEADLINE_EXCEEDED', `no answer within the ${budgetMs} ms budget`)), budgetMs + DEADLINE_SLACK_MS);
      });
      const out = await Promise.race([opts.handlers[route.id]!({ params, query: url.searchParams, body, idempotencyKey, ctx }), deadlineHit]);
      status = out.status;
      send(res, out.status, out.body);
    } catch (err) {
      const httpErr = toHttpError(err);
      status = httpErr.httpStatus;
      if (httpErr.httpStatus >= 500) opts.log.warn({ requestId, route: route.id, status, err: (err as Error).message }, 'request failed');
      if (!req.complete) req.resume();
      sendError(res, httpErr);
    } finally {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      // Inside the span: the latency sample links to its trace.
      const observe = () => opts.observer?.observe(route.template, method, status, seconds);
      if (span) span.runInside(observe);
      else observe();
    }
  }

  return {
    server,
    async stop(graceMs) {
      draining = true;
      server.close();
      server.closeIdleConnections();
      const until = Date.now() + graceMs;
      while (inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      server.closeAllConnections();
    },
  };
}

function budgetFor(routeId: string, header: string | string[] | undefined, config: GatewayServerOptions['config']): number {
  const routeBudget = config.resilience === 'none' ? NO_BUDGET_CEILING_MS : (config.routeBudgets[routeId] ?? config.requestBudgetMs);
  const asked = headerValue(header);
  if (asked === '') return routeBudget;
  if (!/^\d{1,6}$/.test(asked) || Number(asked) === 0) {
    throw new HttpError(400, 'INVALID_ARGUMENT', 'x-request-timeout-ms: must be a positive integer number of milliseconds', { field: 'x-request-timeout-ms' });
  }
  // A client may ask for less time than the route allows, never more.
  return Math.min(Number(asked), routeBudget);
}

function headerValue(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), 'cache-control': 'no-store' });
  res.end(json);
}

function sendError(res: ServerResponse, err: HttpError): void {
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  send(res, err.httpStatus, { code: err.code, message: err.message, details: err.details });
}
