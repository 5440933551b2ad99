import { Server, ServerCredentials, status, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { createContextKey, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { account } from '@govrnanza/contracts';
import { CancellationSource, createCallContext, createLogger, ServiceError as DomainError, type CallContext } from '@govrnanza/runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DependencyRejection } from './dependencyRejection';
import { createDownstream } from './downstream';
import { NO_EVENTS, type ResilienceEvents } from './events';
import type { DownstreamPolicyOptions } from './options';

/** A real account server on 127.0.0.1:0 whose answers the test scripts. */
let server: Server;
let address: string;
let received: { method: string; deadlineMs: number; traceparent?: string; requestId?: string }[] = [];
let behaviour: (method: string) => { code?: status; delayMs?: number } = () => ({});

const org: account.Organization = { id: 'org_1', name: 'A', plan: 1, status: 1, limits: undefined, createTime: new Date(0) };

function handler(method: string) {
  return (call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => {
    const d = call.getDeadline();
    const traceparent = call.metadata.get('traceparent')[0];
    const requestId = call.metadata.get('x-request-id')[0];
    received.push({
      method,
      deadlineMs: d instanceof Date ? d.getTime() : d,
      ...(traceparent ? { traceparent: String(traceparent) } : {}),
      ...(requestId ? { requestId: String(requestId) } : {}),
    });
    const b = behaviour(method);
    setTimeout(() => (b.code ? cb({ code: b.code, details: `scripted ${status[b.code]}` }) : cb(null, { organization: org })), b.delayMs ?? 0);
  };
}

beforeAll(async () => {
  server = new Server();
  server.addService(account.AccountServiceService, {
    getOrganization: handler('GetOrganization'),
    createOrganization: handler('CreateOrganization'),
    changePlan: handler('ChangePlan'),
    freezeOrganization: handler('FreezeOrganization'),
    unfreezeOrganization: handler('UnfreezeOrganization'),
    listPlans: handler('ListPlans'),
  });
  const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  address = `127.0.0.1:${port}`;
});
afterAll(() => server.forceShutdown());
beforeEach(() => {
  received = [];
  behaviour = () => ({});
});

const log = createLogger('test', 'silent');
const ctxWith = (budgetMs: number): CallContext =>
  createCallContext({ requestId: 'r1', deadline: Date.now() + budgetMs, cancellation: new CancellationSource(), log, method: 'test' });

/**
 * Records events as `name:args`, without the trace context that every event
 * of a call carries first; `traces` keeps those contexts, to check they are the call's.
 */
function recorder() {
  const seen: string[] = [];
  const traces: unknown[] = [];
  const events: ResilienceEvents = { ...NO_EVENTS };
  for (const k of Object.keys(NO_EVENTS) as (keyof ResilienceEvents)[]) {
    (events as unknown as Record<string, (...a: unknown[]) => void>)[k] = (...args: unknown[]) => {
      if (k !== 'breakerState') traces.push(args.shift());
      seen.push(`${k}:${args.join(',')}`);
    };
  }
  return { seen, traces, events };
}

const fast: Partial<DownstreamPolicyOptions> = { backoffInitialMs: 1, backoffMaxMs: 5, breakerMinRps: 1000 };

describe('createDownstream', () => {
  it('propagates the deadline minus the margin', async () => {
    const ds = createDownstream({ caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode: 'code', policy: { ...fast, marginMs: 50, attemptTimeoutMs: 10_000 } });
    const ctx = ctxWith(2_000);
    await ds.getOrganization({ orgId: 'org_1' }, ctx);
    expect(received).toHaveLength(1);
    // The server rebuilds the deadline from the relative grpc-timeout header: allow a few ms of transit.
    expect(received[0]!.deadlineMs).toBeLessThanOrEqual(ctx.deadline - 50 + 15);
    expect(received[0]!.deadlineMs).toBeGreaterThan(ctx.deadline - 200);
    ds.close();
  });

  it("passes the call's trace on to the server (W3C traceparent), with no tracer provider, as when no exporter is set", async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const ds = createDownstream({ caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode: 'code', policy: fast });
      const parent = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 0 });
      const callTrace = trace.setSpan(ROOT_CONTEXT, parent);
      await ds.getOrganization({ orgId: 'org_1' }, createCallContext({ requestId: 'r1', deadline: Date.now() + 2_000, cancellation: new CancellationSource(), log, method: 'test', trace: callTrace }));
      expect(received.map((r) => r.traceparent)).toEqual(['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00']);
      ds.close();
    } finally {
      propagation.disable();
    }
  });

  it('sends the request id in x-request-id on every hop, even when traceparent carries the same trace id', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const callTrace = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext({ traceId, spanId: 'b7ad6b7169203331', traceFlags: 0 }));
    const ds = createDownstream({ caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode: 'code', policy: fast });
    const get = (requestId: string) =>
      ds.getOrganization({ orgId: 'org_1' }, createCallContext({ requestId, deadline: Date.now() + 2_000, cancellation: new CancellationSource(), log, method: 'test', trace: callTrace }));
    await get('req-1');
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      // A mesh's proxies make up a new request id for a hop that lacks the header: it always goes.
      await get(traceId);
    } finally {
      propagation.disable();
    }
    expect(received.map((r) => [r.requestId, r.traceparent])).toEqual([
      ['req-1', undefined],
      [traceId, `00-${traceId}-b7ad6b7169203331-00`],
    ]);
    ds.close();
  });

  it('fails fast with DEADLINE_EXCEEDED, without calling, when too little budget is left', async () => {
    const { seen, events } = recorder();
    const ds = createDownstream({ caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode: 'code', policy: { ...fast, marginMs: 10, minCallMs: 5 }, events });
    const err = await ds.getOrganization({ orgId: 'org_1' }, ctxWith(12)).catch((e: DomainError) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(status.DEADLINE_EXCEEDED);
    expect((err as DomainError).message).toContain('not started');
    expect(received).toHaveLength(0);
    // Counted once, as a call that ended DEADLINE_EXCEEDED.
    expect(seen.filter((s) => s.startsWith('deadlineExceeded:GetOrganization'))).toHaveLength(1);
    ds.close();
  });

  it('rejects, never throws, when something fails before the call is sent, and records the call', async () => {
    for (const mode of ['none', 'code'] as const) {
      const { seen, events } = recorder();
      const failing = {
        started: () => {
          throw new Error('recorder broke');
        },
        finished: () => undefined,
      };
      const ds = createDownstream({ caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode, policy: fast, events, attempts: () => failing });
      let settled: Promise<unknown> = Promise.resolve();
      expect(() => (settled = ds.getOrganization({ orgId: 'org_1' }, ctxWith(1000))), mode).not.toThrow();
      await expect(settled, mode).rejects.toMatchObject({ code: status.UNKNOWN, message: expect.stringContaining('recorder broke') });
      expect(seen.filter((e) => e.startsWith('call:GetOrganization,2,')), mode).toHaveLength(1);
      expect(received, mode).toHaveLength(0);
      ds.close();
    }
  });

  it('retries an idempotent read on UNAVAILABLE and succeeds', async () => {
    let n = 0;
    behaviour = () => (++n < 3 ? { code: status.UNAVAILABLE } : {});
    const { seen, traces, events } = recorder();
    const ds = createDownstream({ caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode: 'code', policy: fast, events });
    const callTrace = ROOT_CONTEXT.setValue(createContextKey('test'), 'this call');
    const ctx = createCallContext({ requestId: 'r1', deadline: Date.now() + 2_000, cancellation: new CancellationSource(), log, method: 'test', trace: callTrace });
    const res = await ds.getOrganization({ orgId: 'org_1' }, ctx);
    expect(res.organization?.id).toBe('org_1');
    expect(received).toHaveLength(3);
    expect(seen.filter((s) => s.startsWith('retry:'))).toHaveLength(2);
    // Every event of the call carries the call's trace context.
    expect(traces.length).toBeGreaterThan(2);
    for (const t of traces) expect(t).toBe(callTrace);
    expect(seen).toContain(`call:GetOrganization,${status.OK},${seen.find((s) => s.startsWith('call:'))!.split(',')[2]}`);
    ds.close();
  });

  it('never retries a create without an idempotency key, and retries one with a key', async () => {
    behaviour = () => ({ code: status.UNAVAILABLE });
    const ds = createDownstream({ caller: 'gateway', downstream: 'account', address, definition: account.AccountServiceService, mode: 'code', policy: fast });
    await expect(ds.createOrganization({ name: 'x', plan: 1, idempotencyKey: '' }, ctxWith(2_000))).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(received).toHaveLength(1);
    received = [];
    await expect(ds.createOrganization({ name: 'x', plan: 1, idempotencyKey: 'k' }, ctxWith(2_000))).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(received).toHaveLength(3);
    ds.close();
  });

  it('does not retry non-retryable codes and passes the status through', async () => {
    behaviour = () => ({ code: status.NOT_FOUND });
    const ds = createDownstream({ caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode: 'code', policy: fast });
    await expect(ds.getOrganization({ orgId: 'org_1' }, ctxWith(2_000))).rejects.toMatchObject({ code: status.NOT_FOUND, meta: { downstream: 'account', detail: 'scripted NOT_FOUND' } });
    expect(received).toHaveLength(1);
    ds.close();
  });

  it('opens the breaker after failures, rejects without calling, then closes through half-open', async () => {
    behaviour = () => ({ code: status.UNAVAILABLE });
    const { seen, events } = recorder();
    const ds = createDownstream({
      caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode: 'code', events,
      policy: { ...fast, maxRetries: 0, breakerThreshold: 0.5, breakerWindowMs: 1_000, breakerMinRps: 1, breakerHalfOpenAfterMs: 300 },
    });
    for (let i = 0; i < 10; i++) await ds.getOrganization({ orgId: 'org_1' }, ctxWith(1_000)).catch(() => undefined);
    expect(ds.breakerState).toBe('open');
    const before = received.length;
    const rejected = await ds.getOrganization({ orgId: 'org_1' }, ctxWith(1_000)).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(DependencyRejection);
    expect((rejected as DependencyRejection).rejectedBy).toBe('circuit_open');
    expect(received.length).toBe(before);
    behaviour = () => ({});
    await new Promise((r) => setTimeout(r, 350));
    await ds.getOrganization({ orgId: 'org_1' }, ctxWith(1_000));
    expect(ds.breakerState).toBe('closed');
    expect(seen).toEqual(expect.arrayContaining(['breakerState:open', 'breakerState:half_open', 'breakerState:closed']));
    ds.close();
  });

  /** A downstream whose breaker ten UNAVAILABLE answers have opened (half-open after 100 ms); the downstream keeps failing. */
  async function withOpenBreaker() {
    behaviour = () => ({ code: status.UNAVAILABLE });
    const ds = createDownstream({
      caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode: 'code',
      policy: { ...fast, maxRetries: 0, breakerThreshold: 0.5, breakerWindowMs: 1_000, breakerMinRps: 1, breakerHalfOpenAfterMs: 100 },
    });
    for (let i = 0; i < 10; i++) await ds.getOrganization({ orgId: 'org_1' }, ctxWith(1_000)).catch(() => undefined);
    expect(ds.breakerState).toBe('open');
    return ds;
  }

  it('while the half-open probe runs, other calls fail fast instead of waiting for it', async () => {
    const ds = await withOpenBreaker();
    behaviour = () => ({ delayMs: 200 }); // the downstream now answers, slowly
    await new Promise((r) => setTimeout(r, 150));
    const probe = ds.getOrganization({ orgId: 'org_1' }, ctxWith(1_000));
    expect(ds.breakerState).toBe('half_open');
    const started = Date.now();
    const other = await ds.getOrganization({ orgId: 'org_1' }, ctxWith(1_000)).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(100);
    expect(other).toBeInstanceOf(DependencyRejection);
    expect((other as DependencyRejection).rejectedBy).toBe('circuit_open');
    await probe;
    expect(ds.breakerState).toBe('closed');
    ds.close();
  });

  it('sheds load with the bulkhead when limit and queue are full', async () => {
    behaviour = () => ({ delayMs: 200 });
    const { seen, events } = recorder();
    const ds = createDownstream({ caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode: 'code', events, policy: { ...fast, bulkheadLimit: 2, bulkheadQueue: 1 } });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => ds.getOrganization({ orgId: 'org_1' }, ctxWith(2_000))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const rejections = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as DependencyRejection);
    expect(rejections.every((r) => r.rejectedBy === 'bulkhead' && r.code === status.UNAVAILABLE)).toBe(true);
    expect(seen.filter((s) => s === 'bulkheadRejected:')).toHaveLength(2);
    ds.close();
  });

  it('in mode none makes exactly one attempt with the caller deadline unchanged', async () => {
    behaviour = () => ({ code: status.UNAVAILABLE });
    const ds = createDownstream({ caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode: 'none', policy: fast });
    const ctx = ctxWith(2_000);
    await expect(ds.getOrganization({ orgId: 'org_1' }, ctx)).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(received).toHaveLength(1);
    expect(received[0]!.deadlineMs).toBeGreaterThan(ctx.deadline - 50);
    ds.close();
  });

  it('hedges a slow idempotent read when configured', async () => {
    let n = 0;
    behaviour = () => (++n === 1 ? { delayMs: 400 } : { delayMs: 5 });
    const { seen, events } = recorder();
    const ds = createDownstream({ caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode: 'code', events, policy: { ...fast, hedgeDelayMs: 50 } });
    const started = Date.now();
    await ds.getOrganization({ orgId: 'org_1' }, ctxWith(2_000));
    expect(Date.now() - started).toBeLessThan(300);
    expect(received).toHaveLength(2);
    expect(seen).toContain('hedge:GetOrganization');
    ds.close();
  });

  it.each(['code', 'none'] as const)('in mode %s cancels the call on the wire when its caller gives up, and does not retry it', async (mode) => {
    behaviour = () => ({ delayMs: 2_000 });
    const { seen, events } = recorder();
    const ds = createDownstream({ caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode, policy: fast, events });
    const source = new CancellationSource();
    const ctx = createCallContext({ requestId: 'r1', deadline: Date.now() + 5_000, cancellation: source, log, method: 'test' });
    const started = Date.now();
    const pending = ds.getOrganization({ orgId: 'org_1' }, ctx).catch((e: DomainError) => e);
    setTimeout(() => source.abort(new Error('caller went away')), 50);
    const err = await pending;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((err as DomainError).code).toBe(status.CANCELLED);
    expect(received).toHaveLength(1);
    expect(seen.filter((e) => e.startsWith('retry:'))).toEqual([]);
    // Already given up: turned away at once, nothing sent.
    const again = await ds.getOrganization({ orgId: 'org_1' }, ctx).catch((e: DomainError) => e);
    expect((again as DomainError).code).toBe(status.CANCELLED);
    expect((again as DomainError).message).toContain('not sent, the caller gave up');
    expect(received).toHaveLength(1);
    ds.close();
  });

  it('sends nothing for a caller who gave up while queued in the bulkhead, and frees its place', async () => {
    behaviour = () => ({ delayMs: 200 });
    const ds = createDownstream({ caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode: 'code', policy: { ...fast, bulkheadLimit: 1, bulkheadQueue: 1 } });
    const first = ds.getOrganization({ orgId: 'org_1' }, ctxWith(2_000));
    const source = new CancellationSource();
    const queued = ds
      .getOrganization({ orgId: 'org_1' }, createCallContext({ requestId: 'r2', deadline: Date.now() + 2_000, cancellation: source, log, method: 'test' }))
      .catch((e: DomainError) => e);
    setTimeout(() => source.abort(new Error('caller went away')), 50);
    await first;
    expect(((await queued) as DomainError).code).toBe(status.CANCELLED);
    expect(received).toHaveLength(1);
    ds.close();
  });

  it('an open breaker is not closed by a caller who already gave up: the next real call is the probe', async () => {
    const ds = await withOpenBreaker();
    await new Promise((r) => setTimeout(r, 150));
    const gone = new CancellationSource();
    gone.abort(new Error('caller went away'));
    const before = received.length;
    const err = await ds
      .getOrganization({ orgId: 'org_1' }, createCallContext({ requestId: 'r3', deadline: Date.now() + 1_000, cancellation: gone, log, method: 'test' }))
      .catch((e: DomainError) => e);
    expect((err as DomainError).code).toBe(status.CANCELLED);
    expect(ds.breakerState).toBe('open');
    expect(received.length).toBe(before);
    // The downstream still fails: the real probe opens the breaker again.
    await ds.getOrganization({ orgId: 'org_1' }, ctxWith(1_000)).catch(() => undefined);
    expect(received.length).toBe(before + 1);
    expect(ds.breakerState).toBe('open');
    ds.close();
  });

  it('does not retry past the deadline', async () => {
    behaviour = () => ({ code: status.UNAVAILABLE, delayMs: 40 });
    const ds = createDownstream({ caller: 'registry', downstream: 'account', address, definition: account.AccountServiceService, mode: 'code', policy: { ...fast, maxRetries: 10, backoffMaxMs: 20 } });
    const started = Date.now();
    const err = (await ds.getOrganization({ orgId: "org_1" }, ctxWith(150)).catch((e: unknown) => e)) as DomainError;
    expect(Date.now() - started).toBeLessThan(220);
    expect([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]).toContain(err.code);
    expect(received.length).toBeLessThan(5);
    ds.close();
  });
});
