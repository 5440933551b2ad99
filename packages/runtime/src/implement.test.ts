import { credentials, Metadata, Server, ServerCredentials, status, type ServiceError as GrpcError } from '@grpc/grpc-js';
import { propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { account } from '@govrnanza/contracts';
import { instrumentHandler } from '@govrnanza/telemetry';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallContext } from './callContext';
import { createCallContext, requestIdFrom } from './callContext';
import { CancellationSource } from './cancellation';
import { ServiceError } from './errors';
import { implement, type HandlersOf } from './implement';
import { createLogger } from './logger';

type Handlers = HandlersOf<typeof account.AccountServiceService>;
const log = createLogger('account', 'silent');

describe('createCallContext', () => {
  it("starts watching the call on first interest only, once, and its signal follows the cancellation", () => {
    let watched = 0;
    const source = new CancellationSource(() => watched++);
    const ctx = createCallContext({ requestId: 'r1', deadline: Infinity, log, method: 'm', cancellation: source });
    expect(watched).toBe(0);
    expect(ctx.signal).toBe(ctx.signal);
    expect(watched).toBe(1);
    source.abort('gone');
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.cancellation.reason).toBe('gone');
  });

  it('takes an AbortSignal too', () => {
    const controller = new AbortController();
    const ctx = createCallContext({ requestId: 'r1', deadline: Infinity, log, method: 'm', cancellation: controller.signal });
    expect(ctx.signal).toBe(controller.signal);
    const reasons: unknown[] = [];
    ctx.cancellation.onAbort((r) => reasons.push(r));
    controller.abort('stop');
    expect(ctx.cancellation.aborted).toBe(true);
    expect(reasons).toEqual(['stop']);
  });
});

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const traced = (traceId: string) => trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext({ traceId, spanId: 'b7ad6b7169203331', traceFlags: 0 }));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it('keeps a well-formed x-request-id, else takes the id of the trace the call started, else makes a UUID', () => {
    expect(requestIdFrom('req-1.a_b', traced(TRACE_ID))).toBe('req-1.a_b');
    expect(requestIdFrom(undefined, traced(TRACE_ID))).toBe(TRACE_ID);
    // A malformed header (spaces, too long) is not trusted.
    expect(requestIdFrom('bad id', traced(TRACE_ID))).toBe(TRACE_ID);
    expect(requestIdFrom('x'.repeat(129), traced(TRACE_ID))).toBe(TRACE_ID);
    expect(requestIdFrom(undefined)).toMatch(UUID);
    // The all-zero trace id is invalid: not an id.
    expect(requestIdFrom(undefined, traced('0'.repeat(32)))).toMatch(UUID);
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});

describe('implement', () => {
  let server: Server | undefined;
  let client: InstanceType<typeof account.AccountServiceClient> | undefined;
  afterEach(async () => {
    client?.close();
    await new Promise<void>((resolve) => (server ? server.tryShutdown(() => resolve()) : resolve()));
  });

  async function serve(getOrganization: Handlers['getOrganization']): Promise<InstanceType<typeof account.AccountServiceClient>> {
    server = new Server();
    server.addService(account.AccountServiceService, implement(account.AccountServiceService, { getOrganization } as Handlers, log));
    const port = await new Promise<number>((resolve, reject) =>
      server!.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    client = new account.AccountServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
    return client;
  }

  const get = (c: InstanceType<typeof account.AccountServiceClient>, deadlineMs: number) =>
    new Promise<GrpcError | null>((resolve) => c.getOrganization({ orgId: 'org_1' }, new Metadata(), { deadline: Date.now() + deadlineMs }, (err) => resolve(err)));

  it('aborts the signal of a call the caller abandons, with CANCELLED', async () => {
    let reason: unknown;
    const c = await serve(
      (_req, ctx: CallContext) =>
        new Promise((_, reject) => {
          // The signal is first touched only after the caller has gone.
          setTimeout(() => {
            if (ctx.signal.aborted) reason = ctx.signal.reason;
            reject(ctx.signal.reason);
          }, 300);
        }),
    );
    expect((await get(c, 50))?.code).toBe(status.DEADLINE_EXCEEDED);
    await new Promise((r) => setTimeout(r, 400));
    expect(reason).toBeInstanceOf(ServiceError);
    expect((reason as ServiceError).code).toBe(status.CANCELLED);
  });

  it('tells the listeners of its cancellation, added while the call runs, when the caller abandons it', async () => {
    const heard: unknown[] = [];
    let answer: () => void = () => undefined;
    const c = await serve(
      (_req, ctx: CallContext) =>
        new Promise((_, reject) => {
          ctx.cancellation.onAbort((reason) => heard.push(reason));
          answer = () => reject(ctx.cancellation.reason);
        }),
    );
    expect((await get(c, 50))?.code).toBe(status.DEADLINE_EXCEEDED);
    await new Promise((r) => setTimeout(r, 100));
    answer();
    expect(heard).toHaveLength(1);
    expect((heard[0] as ServiceError).code).toBe(status.CANCELLED);
  });

  it('never aborts the signal of a call that was answered', async () => {
    let seen: CallContext | undefined;
    const c = await serve(async (req, ctx) => {
      seen = ctx;
      ctx.signal.addEventListener('abort', () => undefined);
      ctx.cancellation.onAbort(() => undefined);
      return { organization: { id: req.orgId, name: 'Acme', plan: 1, status: 1, limits: undefined, createTime: undefined } };
    });
    expect(await get(c, 2_000)).toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    expect(seen?.signal.aborted).toBe(false);
    expect(seen?.cancellation.aborted).toBe(false);
  });

  it("gives the handler the caller's x-request-id, else a new id, never the id of a trace the caller continued", async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const ids: string[] = [];
      server = new Server();
      const impl = implement(
        account.AccountServiceService,
        {
          getOrganization: async (req, ctx) => {
            ids.push(ctx.requestId);
            return { organization: { id: req.orgId, name: 'Acme', plan: 1, status: 1, limits: undefined, createTime: undefined } };
          },
        } as Handlers,
        log,
      );
      // As the services run it: inside the server span, whose context the handler's trace is.
      const path = account.AccountServiceService.getOrganization.path;
      server.addService(account.AccountServiceService, { ...impl, getOrganization: instrumentHandler(path, impl.getOrganization as never) });
      const port = await new Promise<number>((resolve, reject) =>
        server!.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
      );
      client = new account.AccountServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
      const send = (headers: Record<string, string>) =>
        new Promise<void>((resolve, reject) => {
          const md = new Metadata();
          for (const [k, v] of Object.entries(headers)) md.set(k, v);
          client!.getOrganization({ orgId: 'org_1' }, md, (err) => (err ? reject(err) : resolve()));
        });
      const traceparent = `00-${TRACE_ID}-b7ad6b7169203331-00`;
      await send({ 'x-request-id': 'req-1', traceparent });
      await send({ traceparent });
      await send({ 'x-request-id': 'not valid!', traceparent });
      await send({});
      // A client may send several requests in one trace: its trace id names none of them.
      expect(ids[0]).toBe('req-1');
      for (const id of ids.slice(1)) expect(id).toMatch(UUID);
      expect(new Set(ids).size).toBe(4);
    } finally {
      propagation.disable();
    }
  });
});
