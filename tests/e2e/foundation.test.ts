import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type RunningSystem } from '../../tools/launcher/system';
import { call, seedOrg } from '../support/gateway';
import { plainCall, plainHealth, reflectedServices } from './plainClient';

// The five services as separate processes on ephemeral ports, driven through the gateway.
describe('the system through the gateway', () => {
  let sys: RunningSystem;
  let base: string;

  beforeAll(async () => {
    sys = await startSystem({
      ports: 'ephemeral',
      env: { LOG_LEVEL: 'warn', FAULTS: 'on', FAULTS_TOKEN: 'e2e-token', SHUTDOWN_GRACE_MS: '5000', LAB: 'on' },
      serviceEnv: { registry: { FAULT_RULES: JSON.stringify([{ service: 'registry', method: 'GetDomain', delayMs: 1500 }]) } },
    });
    base = sys.gatewayUrl;
  }, 90_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it('creates an org, profiles, a domain, a sub-domain and an API whose owners carry names and job titles', async () => {
    const ids = await seedOrg(base, 'Acme');
    const got = await call(base, 'GET', `/v1/orgs/${ids.orgId}/apis/${ids.apiId}`);
    expect(got.status).toBe(200);
    expect(got.body.api.technicalOwner).toEqual({ id: ids.techId, name: 'Ada Lovelace', jobTitle: 'Chief Architect' });
    expect(got.body.api.businessOwner).toEqual({ id: ids.bizId, name: 'Grace Hopper', jobTitle: 'Product Owner' });
    expect(got.body.degraded).toBeUndefined();
    expect(got.headers.get('x-request-id')).toMatch(/.+/);
    // A well-formed request id of the client's is kept (and sent on to every hop).
    const named = await call(base, 'GET', `/v1/orgs/${ids.orgId}/apis/${ids.apiId}`, undefined, { 'x-request-id': 'client-req-42' });
    expect(named.headers.get('x-request-id')).toBe('client-req-42');

    const list = await call(base, 'GET', `/v1/orgs/${ids.orgId}/apis?pageSize=1`);
    expect(list.status).toBe(200);
    expect(list.body.apis).toHaveLength(1);
    expect(list.body.apis[0].technicalOwner.name).toBe('Ada Lovelace');

    const profile = await call(base, 'GET', `/v1/orgs/${ids.orgId}/profiles/${ids.techId}`);
    expect(profile.body.profile).toMatchObject({ name: 'Ada Lovelace', jobTitle: 'Chief Architect' });
    const org = await call(base, 'GET', `/v1/orgs/${ids.orgId}`);
    expect(org.body.organization).toMatchObject({ name: 'Acme', plan: 'PLAN_TEAM', status: 'ORGANIZATION_STATUS_ACTIVE' });
  });

  it('pages through a list with an opaque token and caps the page size', async () => {
    const { orgId } = await seedOrg(base, 'Pager', 'enterprise');
    const domains = [];
    for (const n of ['A', 'B', 'C']) domains.push(await call(base, 'POST', `/v1/orgs/${orgId}/domains`, { name: n }));
    const first = await call(base, 'GET', `/v1/orgs/${orgId}/domains?pageSize=2`);
    expect(first.body.domains.map((d: { name: string }) => d.name)).toEqual(['Payments', 'A']);
    expect(first.body.nextPageToken).toMatch(/.+/);
    const second = await call(base, 'GET', `/v1/orgs/${orgId}/domains?pageSize=2&pageToken=${first.body.nextPageToken}`);
    expect(second.body.domains.map((d: { name: string }) => d.name)).toEqual(['B', 'C']);
    expect(second.body.nextPageToken).toBe("");
    const bad = await call(base, 'GET', `/v1/orgs/${orgId}/domains?pageToken=garbage`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('pageToken');
  });

  it('refuses a create past the plan limit with 429', async () => {
    const { orgId } = await seedOrg(base, 'Tiny', 'free'); // free: 2 domains
    expect((await call(base, 'POST', `/v1/orgs/${orgId}/domains`, { name: 'Second' })).status).toBe(201);
    const third = await call(base, 'POST', `/v1/orgs/${orgId}/domains`, { name: 'Third' });
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(third.body.message).toContain('at most 2 domains');
  });

  it('freezes the org on a failed payment (402 on registry routes) and unfreezes it on a good one', async () => {
    const ids = await seedOrg(base, 'Debtor');
    const failed = await call(base, 'POST', `/v1/orgs/${ids.orgId}/payments`, { amountCents: 4900, succeeded: false });
    expect(failed.status).toBe(201);
    expect(failed.body.orgStatus).toBe('ORGANIZATION_STATUS_FROZEN');
    const blocked = await call(base, 'GET', `/v1/orgs/${ids.orgId}/apis/${ids.apiId}`);
    expect(blocked.status).toBe(402);
    expect(blocked.body).toMatchObject({ code: 'PAYMENT_REQUIRED' });
    expect(blocked.body.message).toContain('payment required');
    expect((await call(base, 'POST', `/v1/orgs/${ids.orgId}/domains`, { name: 'More' })).status).toBe(402);
    const usage = await call(base, 'GET', `/v1/orgs/${ids.orgId}/usage`);
    expect(usage.status).toBe(200);
    expect(usage.body.usage).toMatchObject({ status: 'ORGANIZATION_STATUS_FROZEN', users: 2, domains: 1, subdomains: 1, apis: 1, amountDueCents: 4900 });
    const paid = await call(base, 'POST', `/v1/orgs/${ids.orgId}/payments`, { amountCents: 4900, succeeded: true });
    expect(paid.body.orgStatus).toBe('ORGANIZATION_STATUS_ACTIVE');
    expect((await call(base, 'GET', `/v1/orgs/${ids.orgId}/apis/${ids.apiId}`)).status).toBe(200);
  });

  it('answers bad input with 400/404/405/409/413/415 and a message naming the problem', async () => {
    const malformed = await call(base, 'POST', '/v1/orgs', '{"name": "x",', {});
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toContain('malformed JSON');
    const missing = await call(base, 'POST', '/v1/orgs', { plan: 'team' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'name' } });
    const badPlan = await call(base, 'POST', '/v1/orgs', { name: 'P', plan: 'platinum' });
    expect(badPlan.status).toBe(400);
    expect(badPlan.body.message).toContain('plan');
    const wrongType = await call(base, 'POST', '/v1/orgs', { name: 42, plan: 'team' });
    expect(wrongType.body.message).toBe('name: must be a string');
    const ids = await seedOrg(base, 'Strict');
    const noEmail = await call(base, 'POST', `/v1/orgs/${ids.orgId}/profiles`, { name: 'N', jobTitle: 'T' });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.details.field).toBe('email');
    const badOwner = await call(base, 'POST', `/v1/orgs/${ids.orgId}/apis`, {
      name: 'x', version: '1.0.0', subdomainId: ids.subdomainId, technicalOwnerId: 'prf_0000000000000000', businessOwnerId: ids.bizId,
    });
    expect(badOwner.status).toBe(400);
    expect(badOwner.body.message).toContain('technicalOwnerId');
    const dupe = await call(base, 'POST', '/v1/orgs', { name: 'strict', plan: 'team' });
    expect(dupe.status).toBe(409);
    const unknownOrg = await call(base, 'GET', '/v1/orgs/org_0000000000000000');
    expect(unknownOrg.status).toBe(404);
    expect(unknownOrg.body.message).toContain('org_0000000000000000');
    const unknownApi = await call(base, 'GET', `/v1/orgs/${ids.orgId}/apis/api_0000000000000000`);
    expect(unknownApi.status).toBe(404);
    const noRoute = await call(base, 'GET', '/v2/nothing');
    expect(noRoute.status).toBe(404);
    const wrongMethod = await call(base, 'DELETE', '/v1/orgs');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const huge = await call(base, 'POST', '/v1/orgs', { name: 'x'.repeat(70_000), plan: 'team' });
    expect(huge.status).toBe(413);
    const text = await fetch(`${base}/v1/orgs`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(text.status).toBe(415);
    expect(text.headers.get('x-request-id')).toMatch(/.+/);
  });

  it('serves the fan-out lab route: n parallel calls to account, bounded', async () => {
    const { metric } = await import('../support/metrics');
    const plans = () => metric(sys.endpoints.account.metricsPort, 'grpc_server_started_total', { grpc_method: 'ListPlans' });
    const before = await plans();
    const res = await call(base, 'GET', '/v1/lab/fanout?n=6');
    expect(res.status).toBe(200);
    expect(res.body.n).toBe(6);
    expect((await plans()) - before).toBe(6);
    expect((await call(base, 'GET', '/v1/lab/fanout?n=17')).status).toBe(400);
  });

  it('serves every back-end to a client built only from the .proto files, with health and reflection', async () => {
    const ids = await seedOrg(base, 'Plain');
    const services = {
      account: ['govrnanza.account.v1.AccountService', 'GetOrganization', { org_id: ids.orgId }],
      profile: ['govrnanza.profile.v1.ProfileService', 'CountProfiles', { org_id: ids.orgId }],
      registry: ['govrnanza.registry.v1.RegistryService', 'CountResources', { org_id: ids.orgId }],
      billing: ['govrnanza.billing.v1.BillingService', 'GetUsage', { org_id: ids.orgId }],
    } as const;
    const answers: Record<string, any> = {};
    for (const [name, [service, method, request]] of Object.entries(services)) {
      const address = sys.address(name as keyof typeof services);
      answers[name] = await plainCall(address, service, method, request);
      expect(await plainHealth(address, '')).toBe('SERVING');
      expect(await plainHealth(address, service)).toBe('SERVING');
      expect(await reflectedServices(address)).toContain(service);
    }
    expect(answers.account.organization.status).toBe('ORGANIZATION_STATUS_ACTIVE');
    expect(answers.profile.count).toBe(2);
    expect(answers.registry).toMatchObject({ domains: 1, subdomains: 1, apis: 1 });
    expect(answers.billing.usage.apis).toBe(1);
  });

  it('finishes an in-flight request when registry gets SIGTERM, then registry exits 0', async () => {
    const ids = await seedOrg(base, 'Drain');
    // GetDomain on registry is delayed 1.5 s by a fault rule; ask the gRPC service directly with a long deadline.
    const { credentials, Metadata } = await import('@grpc/grpc-js');
    const { registry } = await import('@govrnanza/contracts');
    const client = new registry.RegistryServiceClient(sys.address('registry'), credentials.createInsecure());
    const slow = new Promise<{ err: Error | null; name?: string }>((resolve) =>
      client.getDomain({ orgId: ids.orgId, domainId: ids.domainId }, new Metadata(), { deadline: Date.now() + 10_000 }, (err, res) => resolve({ err, name: res?.domain?.name })),
    );
    await new Promise((r) => setTimeout(r, 300));
    const exited = sys.kill('registry', 'SIGTERM');
    const answer = await slow;
    client.close();
    expect(answer.err).toBeNull();
    expect(answer.name).toBe('Payments');
    expect(await exited).toBe(0);
    const down = await call(base, 'GET', `/v1/orgs/${ids.orgId}/apis/${ids.apiId}`);
    expect(down.status).toBe(503);
    await sys.restart('registry');
  }, 30_000);
});
