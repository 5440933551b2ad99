import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type RunningSystem } from '../../tools/launcher/system';
import { setFaultRules } from '../support/faults';
import { call, seedOrg } from '../support/gateway';
import { metric } from '../support/metrics';
import { redisEnv } from '../support/redisEnv';

const TOKEN = 'resilience-token';

/** Runs `n` calls of `fn`, at most `concurrency` at a time; returns their results in order. */
async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

const profileReads = (sys: RunningSystem) => metric(sys.endpoints.profile.metricsPort, 'grpc_server_started_total', { grpc_method: 'BatchGetProfiles' });
const accountReads = (sys: RunningSystem) => metric(sys.endpoints.account.metricsPort, 'grpc_server_started_total', { grpc_method: 'GetOrganization' });
const breakerState = (sys: RunningSystem) => metric(sys.endpoints.registry.metricsPort, 'govrnanza_circuit_breaker_state', { downstream: 'account' });

describe('resilience in code (RESILIENCE=code), faults injected at run time', () => {
  let sys: RunningSystem;
  let ids: Awaited<ReturnType<typeof seedOrg>>;
  let apiPath: string;
  let cleanup: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    // On Redis, so that registry keeps its data across the restarts below.
    const redis = await redisEnv();
    cleanup = redis.cleanup;
    sys = await startSystem({ ports: 'ephemeral', env: { LOG_LEVEL: 'warn', FAULTS: 'on', FAULTS_TOKEN: TOKEN }, serviceEnv: redis.serviceEnv });
    ids = await seedOrg(sys.gatewayUrl, 'Resilient');
    apiPath = `/v1/orgs/${ids.orgId}/apis/${ids.apiId}`;
  }, 90_000);
  afterAll(async () => {
    await sys?.stop();
    await cleanup?.();
  });

  it('keeps data in Redis across a restart of every back-end', async () => {
    for (const s of ['account', 'profile', 'registry', 'billing'] as const) {
      expect(await sys.kill(s)).toBe(0);
      await sys.restart(s);
    }
    const res = await call(sys.gatewayUrl, 'GET', apiPath);
    expect(res.status).toBe(200);
    expect(res.body.api.technicalOwner.name).toBe('Ada Lovelace');
    const usage = await call(sys.gatewayUrl, 'GET', `/v1/orgs/${ids.orgId}/usage`);
    expect(usage.body.usage).toMatchObject({ users: 2, domains: 1, subdomains: 1, apis: 1 });
  }, 60_000);

  it('profile delayed 5 s: GET api answers 200 within the budget, owners without details, degraded says why', async () => {
    await setFaultRules(sys.address('profile'), TOKEN, [{ service: 'profile', method: 'BatchGetProfiles', delayMs: 5000 }]);
    try {
      const started = Date.now();
      const res = await call(sys.gatewayUrl, 'GET', apiPath);
      const elapsed = Date.now() - started;
      expect(res.status).toBe(200);
      expect(elapsed).toBeLessThan(1000 + 250);
      expect(res.body.api.technicalOwner).toEqual({ id: ids.techId, name: "", jobTitle: "" });
      expect(res.body.degraded).toEqual([{ part: 'owners', reason: expect.stringMatching(/^profile deadline: /) }]);
    } finally {
      await setFaultRules(sys.address('profile'), TOKEN, []);
    }
  }, 20_000);

  it('a user who gives up cancels the chain hop by hop: each call in flight ends Canceled on both sides, none is retried', async () => {
    await setFaultRules(sys.address('profile'), TOKEN, [{ service: 'profile', method: 'BatchGetProfiles', delayMs: 5000 }]);
    try {
      const port = sys.endpoints;
      const read = () =>
        Promise.all([
          metric(port.gateway.metricsPort, 'grpc_client_handled_total', { downstream: 'registry', grpc_method: 'GetApi', grpc_code: 'Canceled' }),
          metric(port.registry.metricsPort, 'grpc_server_handled_total', { grpc_method: 'GetApi', grpc_code: 'Canceled' }),
          metric(port.registry.metricsPort, 'grpc_client_handled_total', { downstream: 'profile', grpc_method: 'BatchGetProfiles', grpc_code: 'Canceled' }),
          metric(port.profile.metricsPort, 'grpc_server_handled_total', { grpc_method: 'BatchGetProfiles', grpc_code: 'Canceled' }),
          metric(port.profile.metricsPort, 'grpc_server_started_total', { grpc_method: 'BatchGetProfiles' }),
        ]);
      const before = await read();
      // Well inside registry's 300 ms attempt deadline: only the user's leaving can end the profile call this early.
      const gaveUp = await fetch(`${sys.gatewayUrl}${apiPath}`, { signal: AbortSignal.timeout(150) }).catch((e: Error) => e);
      expect(gaveUp).toBeInstanceOf(Error);
      let delta: number[] = [];
      for (let i = 0; i < 40; i++) {
        const now = await read();
        delta = now.map((v, j) => v - before[j]!);
        if (delta.slice(0, 4).every((d) => d >= 1)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // gateway → registry, registry's server, registry → profile, profile's server: one cancelled call each; profile saw one attempt.
      expect(delta).toEqual([1, 1, 1, 1, 1]);
    } finally {
      await setFaultRules(sys.address('profile'), TOKEN, []);
    }
  }, 20_000);

  it('account down: the breaker opens (account stops receiving calls), registry fails open, then closes through half-open', async () => {
    await setFaultRules(sys.address('account'), TOKEN, [{ service: 'account', abort: 'UNAVAILABLE' }]);
    try {
      // Open the breaker: failures past 50 % of a 5 s window with at least 2 calls/s.
      const statuses = await pool(60, 4, () => call(sys.gatewayUrl, 'GET', apiPath).then((r) => r));
      expect(statuses.every((r) => r.status === 200)).toBe(true);
      expect(statuses.at(-1)!.body.degraded).toEqual(expect.arrayContaining([{ part: 'org_status', reason: expect.stringContaining('fail open') }]));
      expect(await breakerState(sys)).toBe(2);
      const before = await accountReads(sys);
      const started = Date.now();
      await pool(40, 4, () => call(sys.gatewayUrl, 'GET', apiPath));
      // 40 more requests: only the half-open probes (one per 2 s) reach account.
      const probes = 1 + Math.ceil((Date.now() - started) / 2000);
      expect((await accountReads(sys)) - before).toBeLessThanOrEqual(probes);
      const allow = await metric(sys.endpoints.registry.metricsPort, 'govrnanza_fail_open_decisions_total', { downstream: 'account', decision: 'allow' });
      expect(allow).toBeGreaterThanOrEqual(100);
    } finally {
      await setFaultRules(sys.address('account'), TOKEN, []);
    }
    await new Promise((r) => setTimeout(r, 2_200)); // halfOpenAfter 2 s
    const healed = await call(sys.gatewayUrl, 'GET', apiPath);
    expect(healed.status).toBe(200);
    expect(healed.body.degraded).toBeUndefined();
    expect(await breakerState(sys)).toBe(0);
    const transitions = (state: string) => metric(sys.endpoints.registry.metricsPort, 'govrnanza_circuit_breaker_transitions_total', { downstream: 'account', state });
    expect(await transitions('open')).toBeGreaterThanOrEqual(1);
    expect(await transitions('half_open')).toBeGreaterThanOrEqual(1);
    expect(await transitions('closed')).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('profile failing 30 %: every read succeeds, most with full details, and profile sees ≤ 1.25× the calls', async () => {
    // A fresh registry: its retry budget window holds no traffic of the tests before.
    await sys.kill('registry');
    await sys.restart('registry');
    await setFaultRules(sys.address('profile'), TOKEN, [{ service: 'profile', method: 'BatchGetProfiles', abort: 'UNAVAILABLE', percent: 30 }]);
    try {
      const before = await profileReads(sys);
      const n = 300;
      const results = await pool(n, 4, () => call(sys.gatewayUrl, 'GET', apiPath));
      const received = (await profileReads(sys)) - before;
      const ok = results.filter((r) => r.status === 200).length;
      const full = results.filter((r) => r.status === 200 && r.body.degraded === undefined).length;
      expect(ok / n).toBeGreaterThanOrEqual(0.99);
      // With a 20 % retry budget, 0.7 + 0.7 × (the retries the budget allows) of reads get full details.
      expect(full / n).toBeGreaterThanOrEqual(0.78);
      expect(received / n).toBeLessThanOrEqual(1.25);
      expect(received / n).toBeGreaterThan(1.05); // retries did happen
    } finally {
      await setFaultRules(sys.address('profile'), TOKEN, []);
    }
  }, 60_000);

  it('a create whose response is dropped, retried with the same key, creates exactly one resource', async () => {
    await setFaultRules(sys.address('registry'), TOKEN, [{ service: 'registry', method: 'CreateDomain', drop: true }]);
    const key = { 'idempotency-key': 'domain-once-1' };
    let first;
    try {
      first = await call(sys.gatewayUrl, 'POST', `/v1/orgs/${ids.orgId}/domains`, { name: 'Lost' }, key);
    } finally {
      await setFaultRules(sys.address('registry'), TOKEN, []);
    }
    expect(first.status).toBe(503);
    const retried = await call(sys.gatewayUrl, 'POST', `/v1/orgs/${ids.orgId}/domains`, { name: 'Lost' }, key);
    expect(retried.status).toBe(201);
    const again = await call(sys.gatewayUrl, 'POST', `/v1/orgs/${ids.orgId}/domains`, { name: 'Lost' }, key);
    expect(again.body.domain.id).toBe(retried.body.domain.id);
    const list = await call(sys.gatewayUrl, 'GET', `/v1/orgs/${ids.orgId}/domains?pageSize=100`);
    expect(list.body.domains.filter((d: { name: string }) => d.name === 'Lost')).toHaveLength(1);
    const reused = await call(sys.gatewayUrl, 'POST', `/v1/orgs/${ids.orgId}/domains`, { name: 'Other' }, key);
    expect(reused.status).toBe(400);
    expect(reused.body.details.field).toBe('idempotencyKey');
  }, 20_000);

  it('profile 100 % down under steady load: the retry budget keeps it at ≤ 1.25× its traffic, not 3×', async () => {
    // Keep the breaker out of the way so that only the retry budget limits attempts.
    const noBreaker = { profile: { breakerMinRps: 1_000_000 } };
    const measure = async (policy: object): Promise<number> => {
      await sys.kill('registry');
      await sys.restart('registry', { DOWNSTREAM_POLICY: JSON.stringify(policy) });
      await setFaultRules(sys.address('profile'), TOKEN, [{ service: 'profile', method: 'BatchGetProfiles', abort: 'UNAVAILABLE' }]);
      try {
        const before = await profileReads(sys);
        const n = 200;
        const results = await pool(n, 4, () => call(sys.gatewayUrl, 'GET', apiPath));
        const off = results.filter((r) => !(r.status === 200 && r.body.degraded?.[0]?.part === 'owners'));
        expect(off.map((r) => `${r.status} ${JSON.stringify(r.body).slice(0, 300)}`)).toEqual([]);
        return ((await profileReads(sys)) - before) / n;
      } finally {
        await setFaultRules(sys.address('profile'), TOKEN, []);
      }
    };
    const withBudget = await measure(noBreaker);
    const withoutBudget = await measure({ profile: { ...noBreaker.profile, retryBudgetRatio: 100, retryBudgetMinPerWindow: 1_000_000 } });
    expect(withBudget).toBeLessThanOrEqual(1.25);
    expect(withoutBudget).toBeGreaterThan(2.8);
    await sys.kill('registry');
    await sys.restart('registry');
  }, 60_000);
});

describe('without resilience (RESILIENCE=none) the same faults reach users', () => {
  let sys: RunningSystem;
  let apiPath: string;

  beforeAll(async () => {
    sys = await startSystem({ ports: 'ephemeral', env: { LOG_LEVEL: 'warn', FAULTS: 'on', FAULTS_TOKEN: TOKEN, RESILIENCE: 'none' } });
    const ids = await seedOrg(sys.gatewayUrl, 'Fragile');
    apiPath = `/v1/orgs/${ids.orgId}/apis/${ids.apiId}`;
  }, 90_000);
  afterAll(async () => sys?.stop());

  it('a slow profile makes the user wait, and a failing one fails the request', async () => {
    await setFaultRules(sys.address('profile'), TOKEN, [{ service: 'profile', method: 'BatchGetProfiles', delayMs: 2000 }]);
    const started = Date.now();
    const slow = await call(sys.gatewayUrl, 'GET', apiPath);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(slow.status).toBe(200);
    await setFaultRules(sys.address('profile'), TOKEN, [{ service: 'profile', method: 'BatchGetProfiles', abort: 'UNAVAILABLE', percent: 30 }]);
    const results = await pool(100, 4, () => call(sys.gatewayUrl, 'GET', apiPath));
    const failed = results.filter((r) => r.status === 503).length;
    expect(failed).toBeGreaterThan(15);
    expect(failed).toBeLessThan(45);
    await setFaultRules(sys.address('account'), TOKEN, [{ service: 'account', abort: 'UNAVAILABLE' }]);
    expect((await call(sys.gatewayUrl, 'GET', apiPath)).status).toBe(503);
    // Lab routes are off unless LAB=on.
    expect((await call(sys.gatewayUrl, 'GET', '/v1/lab/fanout?n=2')).status).toBe(404);
  }, 30_000);
});
