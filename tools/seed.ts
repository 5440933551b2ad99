import { parseArgs } from 'node:util';

/**
 * Loads a small demo data set through the gateway (`npm run seed`): two
 * organisations with profiles, domains, sub-domains and APIs. Every create
 * carries an Idempotency-Key, so running it twice creates nothing new.
 */
const { values } = parseArgs({ options: { gateway: { type: 'string', default: process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080' } } });
const base = values.gateway!;

async function post(path: string, body: unknown, key: string): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `seed-${key}` },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`POST ${path} → ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

const DEMO = [
  {
    org: { name: 'Acme Payments', plan: 'team' },
    people: [
      { name: 'Ada Lovelace', jobTitle: 'Chief Architect', email: 'ada@acme.example' },
      { name: 'Grace Hopper', jobTitle: 'Head of Product', email: 'grace@acme.example' },
    ],
    domains: [{ name: 'Payments', subdomains: [{ name: 'Cards', apis: [['card-auth', '1.4.0'], ['card-capture', '2.0.1']] }, { name: 'Wallets', apis: [['wallet-topup', '0.9.0']] }] }],
  },
  {
    org: { name: 'Globex Logistics', plan: 'free' },
    people: [{ name: 'Katherine Johnson', jobTitle: 'Platform Lead', email: 'katherine@globex.example' }],
    domains: [{ name: 'Shipping', subdomains: [{ name: 'Tracking', apis: [['parcel-tracking', '3.1.0']] }] }],
  },
] as const;

async function main(): Promise<void> {
  for (const demo of DEMO) {
    const k = demo.org.name.toLowerCase().replace(/\W+/g, '-');
    const { organization } = await post('/v1/orgs', demo.org, k);
    const people = [];
    for (const p of demo.people) people.push((await post(`/v1/orgs/${organization.id}/profiles`, p, `${k}-${p.email}`)).profile);
    for (const d of demo.domains) {
      const { domain } = await post(`/v1/orgs/${organization.id}/domains`, { name: d.name }, `${k}-${d.name}`);
      for (const s of d.subdomains) {
        const { subdomain } = await post(`/v1/orgs/${organization.id}/domains/${domain.id}/subdomains`, { name: s.name }, `${k}-${d.name}-${s.name}`);
        for (const [name, version] of s.apis) {
          const body = { name, version, subdomainId: subdomain.id, technicalOwnerId: people[0].id, businessOwnerId: people[people.length - 1].id };
          const { api } = await post(`/v1/orgs/${organization.id}/apis`, body, `${k}-${name}-${version}`);
          process.stdout.write(`  ${organization.name} / ${d.name} / ${s.name} / ${api.name}@${api.version}  GET ${base}/v1/orgs/${organization.id}/apis/${api.id}\n`);
        }
      }
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`seed failed: ${(err as Error).message}\n`);
  process.exit(1);
});
