/** A JSON answer from the gateway. */
export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Sends a JSON request to the gateway and parses the JSON answer. */
export async function call<T = any>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path} → ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** Creates an organisation, two profiles, a domain, a sub-domain and an API; returns their ids. */
export async function seedOrg(base: string, name: string, plan = 'team') {
  const org = await call(base, 'POST', '/v1/orgs', { name, plan });
  if (org.status !== 201) throw new Error(`create org: ${org.status} ${JSON.stringify(org.body)}`);
  const orgId: string = org.body.organization.id;
  const tech = await call(base, 'POST', `/v1/orgs/${orgId}/profiles`, { name: 'Ada Lovelace', jobTitle: 'Chief Architect', email: `ada@${name.toLowerCase()}.example` });
  const biz = await call(base, 'POST', `/v1/orgs/${orgId}/profiles`, { name: 'Grace Hopper', jobTitle: 'Product Owner', email: `grace@${name.toLowerCase()}.example` });
  const domain = await call(base, 'POST', `/v1/orgs/${orgId}/domains`, { name: 'Payments' });
  const sub = await call(base, 'POST', `/v1/orgs/${orgId}/domains/${domain.body.domain.id}/subdomains`, { name: 'Cards' });
  const api = await call(base, 'POST', `/v1/orgs/${orgId}/apis`, {
    name: 'card-auth',
    version: '1.0.0',
    subdomainId: sub.body.subdomain.id,
    technicalOwnerId: tech.body.profile.id,
    businessOwnerId: biz.body.profile.id,
  });
  if (api.status !== 201) throw new Error(`create api: ${api.status} ${JSON.stringify(api.body)}`);
  return { orgId, techId: tech.body.profile.id as string, bizId: biz.body.profile.id as string, domainId: domain.body.domain.id as string, subdomainId: sub.body.subdomain.id as string, apiId: api.body.api.id as string };
}
