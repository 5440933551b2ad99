import { credentials, Metadata, Server, ServerCredentials, status, type ServiceError as GrpcError } from '@grpc/grpc-js';
import { account } from '@govrnanza/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallContext } from './callContext';
import { createCallContext } from './callContext';
import { ServiceError } from './errors';
import { implement, type HandlersOf } from './implement';
import { createLogger } from './logger';

type Handlers = HandlersOf<typeof account.AccountServiceService>;
const log = createLogger('account', 'silent');

describe('createCallContext', () => {
  it('builds the signal on first use only, once', () => {
    let built = 0;
    const ctx = createCallContext({ requestId: 'r1', deadline: Infinity, log, method: 'm', signal: () => (built++, new AbortController().signal) });
    expect(built).toBe(0);
    expect(ctx.signal).toBe(ctx.signal);
    expect(built).toBe(1);
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

  it('never aborts the signal of a call that was answered', async () => {
    let seen: CallContext | undefined;
    const c = await serve(async (req, ctx) => {
      seen = ctx;
      ctx.signal.addEventListener('abort', () => undefined);
      return { organization: { id: req.orgId, name: 'Acme', plan: 1, status: 1, limits: undefined, createTime: undefined } };
    });
    expect(await get(c, 2_000)).toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    expect(seen?.signal.aborted).toBe(false);
  });
});
