import { ROUTES } from '@govrnanza/topology';

/** The ids of what `seedData` created: enough to fill every GET route's path. */
export interface SeededIds {
  orgId: string;
  profileId: string;
  domainId: string;
  apiId: string;
}

/**
 * Creates, through the gateway, one organisation (team plan) with two
 * profiles, a domain, a sub-domain and an API owned by both profiles, so that
 * reading the API asks account for the organisation and profile for its two
 * owners. Names carry `label`, so runs against one system do not collide.
 */
export async function seedData(gatewayUrl: string, label: string): Promise<SeededIds> {
  const post = async (path: string, body: unknown): Promise<Record<string, { id: string }>> => {
    const res = await fetch(`${gatewayUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`seeding: POST ${path} → ${res.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as Record<string, { id: string }>;
  };
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const orgId = (await post('/v1/orgs', { name: `Chaos ${label}`, plan: 'team' })).organization!.id;
  const profile = (name: string, jobTitle: string): Promise<Record<string, { id: string }>> =>
    post(`/v1/orgs/${orgId}/profiles`, { name, jobTitle, email: `${name.split(' ')[0]!.toLowerCase()}@${slug}.example` });
  const tech = (await profile('Ada Lovelace', 'Chief Architect')).profile!.id;
  const biz = (await profile('Grace Hopper', 'Product Owner')).profile!.id;
  const domainId = (await post(`/v1/orgs/${orgId}/domains`, { name: 'Payments' })).domain!.id;
  const subdomainId = (await post(`/v1/orgs/${orgId}/domains/${domainId}/subdomains`, { name: 'Cards' })).subdomain!.id;
  const apiId = (
    await post(`/v1/orgs/${orgId}/apis`, { name: 'card-auth', version: '1.0.0', subdomainId, technicalOwnerId: tech, businessOwnerId: biz })
  ).api!.id;
  return { orgId, profileId: tech, domainId, apiId };
}

/** The path of a GET route for the seeded data (`fanout`: the lab route's n). */
export function routePath(routeId: string, ids: SeededIds, fanout = 1): string {
  const route = ROUTES.find((r) => r.id === routeId);
  if (!route) throw new Error(`unknown route "${routeId}"`);
  if (route.lab) return `${route.template}?n=${fanout}`;
  const values: Record<string, string> = { org: ids.orgId, api: ids.apiId, id: ids.profileId, domain: ids.domainId };
  return route.template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = values[name];
    if (!v) throw new Error(`route ${routeId}: no seeded value for {${name}}`);
    return encodeURIComponent(v);
  });
}
