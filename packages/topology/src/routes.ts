import { METHOD_CALLS, edges, type Call, type Edge } from './callGraph';
import type { BackendName, ServiceName } from './services';

/** A public HTTP route of the gateway and the gRPC method it calls. */
export interface Route {
  /** Stable identifier, used as a metric label. */
  id: string;
  method: 'GET' | 'POST';
  /** Path template with `{param}` segments; also the `route` metric label. */
  template: string;
  calls: readonly Call[];
  /** A lab route: served only when the gateway runs with LAB=on. */
  lab?: boolean;
}

const call = (downstream: BackendName, method: string): Call[] => [{ downstream, method, stage: 0 }];

/** Every gateway route. The gateway's router and the dashboards read this. */
export const ROUTES: readonly Route[] = [
  { id: 'createOrg', method: 'POST', template: '/v1/orgs', calls: call('account', 'CreateOrganization') },
  { id: 'getOrg', method: 'GET', template: '/v1/orgs/{org}', calls: call('account', 'GetOrganization') },
  { id: 'createProfile', method: 'POST', template: '/v1/orgs/{org}/profiles', calls: call('profile', 'CreateProfile') },
  { id: 'listProfiles', method: 'GET', template: '/v1/orgs/{org}/profiles', calls: call('profile', 'ListProfiles') },
  { id: 'getProfile', method: 'GET', template: '/v1/orgs/{org}/profiles/{id}', calls: call('profile', 'GetProfile') },
  { id: 'createDomain', method: 'POST', template: '/v1/orgs/{org}/domains', calls: call('registry', 'CreateDomain') },
  { id: 'listDomains', method: 'GET', template: '/v1/orgs/{org}/domains', calls: call('registry', 'ListDomains') },
  { id: 'createSubdomain', method: 'POST', template: '/v1/orgs/{org}/domains/{domain}/subdomains', calls: call('registry', 'CreateSubdomain') },
  { id: 'createApi', method: 'POST', template: '/v1/orgs/{org}/apis', calls: call('registry', 'CreateApi') },
  { id: 'listApis', method: 'GET', template: '/v1/orgs/{org}/apis', calls: call('registry', 'ListApis') },
  { id: 'getApi', method: 'GET', template: '/v1/orgs/{org}/apis/{api}', calls: call('registry', 'GetApi') },
  { id: 'getUsage', method: 'GET', template: '/v1/orgs/{org}/usage', calls: call('billing', 'GetUsage') },
  { id: 'recordPayment', method: 'POST', template: '/v1/orgs/{org}/payments', calls: call('billing', 'RecordPayment') },
  // The fan-out lab (on with LAB=on): `?n=` parallel calls of one cheap read, to measure tail amplification.
  { id: 'labFanout', method: 'GET', template: '/v1/lab/fanout', calls: call('account', 'ListPlans'), lab: true },
];

/** Every edge of the synchronous call graph (gateway included). */
export const EDGES: readonly Edge[] = edges(ROUTES.map((r) => r.calls));

/** The downstreams a service calls. */
export function downstreamsOf(service: ServiceName): BackendName[] {
  return EDGES.filter((e) => e.from === service).map((e) => e.to);
}

/** The calls a back-end method makes, e.g. callsOf('registry', 'GetApi'). */
export function callsOf(service: BackendName, method: string): readonly Call[] {
  return METHOD_CALLS[`${service}.${method}`] ?? [];
}
