import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { credentials } from '@grpc/grpc-js';
import { account } from '@govrnanza/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/launcher/freePort';
import { grpcHealth } from '../../tools/launcher/health';
import { startSystem, type RunningSystem } from '../../tools/launcher/system';

/** A private redis-server on a free port, so the test can take it away. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`redis-server could not start (apt-get install redis-server): ${e.message}`))));
  const until = Date.now() + 5000;
  while (Date.now() < until) {
    if (await Promise.race([failed, listening(port)])) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('redis-server did not listen in time');
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const waitFor = async (check: () => Promise<boolean>, ms: number): Promise<boolean> => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
};

describe('a back-end whose Redis goes away', () => {
  let sys: RunningSystem;
  let redis: ChildProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    sys = await startSystem({
      ports: 'ephemeral',
      env: { LOG_LEVEL: 'silent', HEALTH_CHECK_INTERVAL_MS: '200' },
      serviceEnv: { account: { REDIS_URL: `redis://127.0.0.1:${port}` } },
    });
  }, 90_000);
  afterAll(async () => {
    await sys?.stop();
    redis?.kill('SIGKILL');
  });

  it('reports NOT_SERVING and answers UNAVAILABLE while Redis is down, and recovers', async () => {
    const addr = sys.address('account');
    expect(await grpcHealth(addr, 'govrnanza.account.v1.AccountService')).toBe('SERVING');
    redis.kill('SIGKILL');
    expect(await waitFor(async () => (await grpcHealth(addr, 'govrnanza.account.v1.AccountService')) === 'NOT_SERVING', 10_000)).toBe(true);
    const client = new account.AccountServiceClient(addr, credentials.createInsecure());
    const code = await new Promise<number | undefined>((resolve) =>
      client.getOrganization({ orgId: 'org_0000000000000000' }, (err) => resolve(err?.code)),
    );
    client.close();
    expect(code).toBe(14); // UNAVAILABLE, not INTERNAL
    redis = await startRedis(port);
    expect(await waitFor(async () => (await grpcHealth(addr, '')) === 'SERVING', 15_000)).toBe(true);
  }, 60_000);
});
