import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { account } from '@govrnanza/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { NonLoopbackHostError } from './assertLoopback';
import { grpcTarget } from './grpcTarget';
import type { LoadTarget } from './LoadTarget';
import { runOpenLoop } from './runOpenLoop';

const METHOD = '/govrnanza.account.v1.AccountService/GetOrganization';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** A real grpc-js AccountService on 127.0.0.1:0: org 'o1' exists, 'slow' answers after 300 ms. */
async function accountServer(seen: string[]): Promise<string> {
  const server = new Server();
  const getOrganization = (
    call: ServerUnaryCall<account.GetOrganizationRequest, account.GetOrganizationResponse>,
    callback: sendUnaryData<account.GetOrganizationResponse>,
  ): void => {
    const { orgId } = call.request;
    seen.push(`${orgId} ${String(call.metadata.get('x-run')[0] ?? '-')}`);
    if (orgId === 'slow') {
      setTimeout(() => callback(null, account.GetOrganizationResponse.fromPartial({})), 300);
    } else if (orgId === 'o1') {
      callback(null, account.GetOrganizationResponse.fromPartial({ organization: { id: 'o1', name: 'Acme' } }));
    } else {
      callback({ code: status.NOT_FOUND, details: `no organisation ${orgId}` });
    }
  };
  server.addService(account.AccountServiceService, { getOrganization } as unknown as account.AccountServiceServer);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  cleanups.push(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));
  return `127.0.0.1:${port}`;
}

function track(t: LoadTarget): LoadTarget {
  cleanups.unshift(() => t.close());
  return t;
}

describe('grpcTarget', () => {
  it('sends JSON requests round-robin at a fixed rate and counts codes by name', async () => {
    const seen: string[] = [];
    const address = await accountServer(seen);
    const target = track(
      grpcTarget({ address, method: METHOD, json: [{ orgId: 'o1' }, { org_id: 'nope' }], metadata: { 'X-Run': 'r1' } }),
    );
    const report = await runOpenLoop({ target, rate: 100, durationMs: 1000 });

    expect(report.requests.sent).toBe(100);
    expect(report.codes).toEqual({ NOT_FOUND: 50, OK: 50 });
    expect(report.successRatio).toBe(0.5);
    expect(seen.slice(0, 3)).toEqual(['o1 r1', 'nope r1', 'o1 r1']);
    expect(report.target).toBe(`gRPC ${address}${METHOD}`);
  });

  it('sets a deadline from the timeout: a slow call ends DEADLINE_EXCEEDED', async () => {
    const address = await accountServer([]);
    const target = track(grpcTarget({ address, method: METHOD, json: [{ orgId: 'slow' }] }));
    await target.prepare!(1000);
    expect(await target.send(100)).toEqual({ ok: false, code: 'DEADLINE_EXCEEDED' });
    expect(await target.send(2000)).toEqual({ ok: true, code: 'OK' });
  });

  it('refuses a non-loopback address and names the known methods for an unknown one', () => {
    expect(() => grpcTarget({ address: '192.168.1.20:50051', method: METHOD })).toThrow(NonLoopbackHostError);
    expect(() => grpcTarget({ address: '127.0.0.1:50051', method: '/govrnanza.account.v1.AccountService/Nope' })).toThrow(
      /unknown unary gRPC method[\s\S]*\/govrnanza\.registry\.v1\.RegistryService\/GetApi/,
    );
  });
});
