import { credentials, Metadata, Server, ServerCredentials, status, type ServiceError as GrpcError } from '@grpc/grpc-js';
import { account } from '@govrnanza/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallContext } from './callContext';
import { createCallContext } from './callContext';
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
});
