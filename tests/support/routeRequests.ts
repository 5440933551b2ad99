import type { seedOrg } from './gateway';

/** The ids `seedOrg` returns. */
export type SeededIds = Awaited<ReturnType<typeof seedOrg>>;

/** A valid request for one gateway route: method, path, JSON body (POST only). */
export type RouteRequest = [method: string, path: string, body?: unknown];

/**
 * A valid request for every gateway route, by route id (see ROUTES in
 * @govrnanza/topology; lab routes need the gateway started with LAB=on),
 * against an organisation seeded by `seedOrg`. Creates
 * use fresh names, so an organisation on a plan without limits takes any
 * number of them. Payments alternate failed (billing freezes the org) and
 * succeeded (it unfreezes it), so both conditional calls to account happen.
 */
export function routeRequests(): Record<string, (ids: SeededIds) => RouteRequest> {
  let n = 0;
  let succeeded = true;
  return {
    createOrg: () => ['POST', '/v1/orgs', { name: `Loadco ${++n}`, plan: 'team' }],
    getOrg: (i) => ['GET', `/v1/orgs/${i.orgId}`],
    createProfile: (i) => ['POST', `/v1/orgs/${i.orgId}/profiles`, { name: `Load ${++n}`, jobTitle: 'Tester', email: `load${n}@loadco.example` }],
    listProfiles: (i) => ['GET', `/v1/orgs/${i.orgId}/profiles`],
    getProfile: (i) => ['GET', `/v1/orgs/${i.orgId}/profiles/${i.techId}`],
    createDomain: (i) => ['POST', `/v1/orgs/${i.orgId}/domains`, { name: `Domain ${++n}` }],
    listDomains: (i) => ['GET', `/v1/orgs/${i.orgId}/domains`],
    createSubdomain: (i) => ['POST', `/v1/orgs/${i.orgId}/domains/${i.domainId}/subdomains`, { name: `Sub ${++n}` }],
    createApi: (i) => ['POST', `/v1/orgs/${i.orgId}/apis`, { name: `api-${++n}`, version: '1.0.0', subdomainId: i.subdomainId, technicalOwnerId: i.techId, businessOwnerId: i.bizId }],
    listApis: (i) => ['GET', `/v1/orgs/${i.orgId}/apis`],
    getApi: (i) => ['GET', `/v1/orgs/${i.orgId}/apis/${i.apiId}`],
    getUsage: (i) => ['GET', `/v1/orgs/${i.orgId}/usage`],
    labFanout: () => ['GET', '/v1/lab/fanout?n=3'],
    recordPayment: (i) => ['POST', `/v1/orgs/${i.orgId}/payments`, { amountCents: 100, succeeded: (succeeded = !succeeded) }],
  };
}
