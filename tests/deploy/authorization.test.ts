/**
 * The mesh allows exactly the call graph as the code declares it
 * (@govrnanza/topology: METHOD_CALLS for back-end calls, ROUTES for the
 * gateway's), by caller identity and gRPC path, plus metrics scraping, and
 * nothing else. Expectations are derived here, independently of the
 * generator.
 */
import { account, billing, profile, registry } from '@govrnanza/contracts';
import { METHOD_CALLS, ROUTES, SERVICES, type ServiceName } from '@govrnanza/topology';
import { describe, expect, it } from 'vitest';
import { filesUnder, readObjects, type K8sObject } from './support/repo';

const NAMES = Object.keys(SERVICES) as ServiceName[];
const NAMESPACE = 'govrnanza';
const INGRESS = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';
const MESH = filesUnder('deploy/istio/mesh').filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml'));
const OBJECTS = MESH.flatMap(readObjects);

const principal = (sa: string): string => `cluster.local/ns/${NAMESPACE}/sa/${sa}`;
const grpcPath = (service: ServiceName, method: string): string => `/${SERVICES[service].grpcService}/${method}`;

/** One allowed request shape: who, to which workload, on which port, with which method and path. */
const key = (from: string, to: string, port: string, method: string, path: string): string => [from, to, port, method, path].join(' ');

function expectedEdges(): Set<string> {
  const out = new Set<string>();
  for (const route of ROUTES) {
    out.add(key(INGRESS, 'gateway', String(SERVICES.gateway.port), route.method, route.template.replace(/\{[^}]+\}/g, '{*}')));
    for (const c of route.calls) out.add(key(principal('gateway'), c.downstream, String(SERVICES[c.downstream].port), 'POST', grpcPath(c.downstream, c.method)));
  }
  for (const [caller, calls] of Object.entries(METHOD_CALLS)) {
    const from = principal(caller.split('.')[0]!);
    for (const c of calls) out.add(key(from, c.downstream, String(SERVICES[c.downstream].port), 'POST', grpcPath(c.downstream, c.method)));
  }
  return out;
}

interface Rule {
  from?: { source: Record<string, string[]> }[];
  to?: { operation: Record<string, string[]> }[];
  when?: unknown;
}
interface PolicySpec {
  selector?: { matchLabels: Record<string, string> };
  action?: string;
  rules?: Rule[];
}

const policies = OBJECTS.filter((o) => o.kind === 'AuthorizationPolicy');
const specOf = (o: K8sObject): PolicySpec => (o.spec ?? {}) as PolicySpec;

/** The allowed request shapes of the service policies; the metrics rules are returned apart. */
function actualEdges(): { edges: Set<string>; metrics: Map<string, Record<string, string[]>> } {
  const edges = new Set<string>();
  const metrics = new Map<string, Record<string, string[]>>();
  for (const p of policies.filter((o) => o.metadata.name !== 'allow-nothing')) {
    const spec = specOf(p);
    const to = spec.selector!.matchLabels.app!;
    for (const rule of spec.rules ?? []) {
      expect(rule.when, `${p.metadata.name}: no conditions`).toBeUndefined();
      const ops = (rule.to ?? []).map((t) => t.operation);
      for (const op of ops) expect(Object.keys(op).sort(), `${p.metadata.name}: operations name ports, methods and paths only`).toEqual(['methods', 'paths', 'ports']);
      if (!rule.from) {
        expect(ops, `${p.metadata.name}: the only rule without a source is the metrics rule`).toHaveLength(1);
        metrics.set(to, ops[0]!);
        continue;
      }
      for (const f of rule.from) {
        expect(Object.keys(f.source), `${p.metadata.name}: sources are principals only`).toEqual(['principals']);
        for (const who of f.source.principals!) {
          for (const op of ops) for (const port of op.ports!) for (const m of op.methods!) for (const path of op.paths!) edges.add(key(who, to, port, m, path));
        }
      }
    }
  }
  return { edges, metrics };
}

describe('authorization', () => {
  it('has one ALLOW policy per service, selecting its pods', () => {
    for (const name of NAMES) {
      const p = policies.find((o) => o.metadata.name === name);
      expect(p, name).toBeDefined();
      expect(specOf(p!).action).toBe('ALLOW');
      expect(specOf(p!).selector).toEqual({ matchLabels: { app: name } });
    }
    expect(policies.map((p) => p.metadata.name).sort()).toEqual([...NAMES, 'allow-nothing'].sort());
  });

  it('denies whatever no policy allows (allow-nothing for the namespace)', () => {
    const deny = policies.find((o) => o.metadata.name === 'allow-nothing');
    expect(deny?.spec).toEqual({});
  });

  it('allows exactly the edges of the call graph: caller identity × gRPC path (and ingress × public route)', () => {
    const { edges } = actualEdges();
    const expected = expectedEdges();
    expect([...edges].filter((e) => !expected.has(e)), 'allowed but not in the call graph').toEqual([]);
    expect([...expected].filter((e) => !edges.has(e)), 'in the call graph but not allowed').toEqual([]);
  });

  it('names only methods the back-ends serve', () => {
    const served = new Set(
      [account.AccountServiceService, profile.ProfileServiceService, registry.RegistryServiceService, billing.BillingServiceService].flatMap((s) =>
        Object.values(s).map((m) => m.path),
      ),
    );
    for (const e of expectedEdges()) {
      const [, to, , , path] = e.split(' ');
      if (to !== 'gateway') expect(served.has(path!), path).toBe(true);
    }
  });

  it('lets anyone GET /metrics on the metrics port only (Prometheus is outside the mesh)', () => {
    const { metrics } = actualEdges();
    for (const name of NAMES) {
      expect(metrics.get(name), name).toEqual({ ports: [String(SERVICES[name].metricsPort)], methods: ['GET'], paths: ['/metrics'] });
    }
  });

  it('requires mTLS everywhere but on the metrics ports', () => {
    const peer = OBJECTS.filter((o) => o.kind === 'PeerAuthentication');
    expect(peer.find((p) => p.metadata.name === 'default')?.spec).toEqual({ mtls: { mode: 'STRICT' } });
    for (const name of NAMES) {
      expect(peer.find((p) => p.metadata.name === name)?.spec, name).toEqual({
        selector: { matchLabels: { app: name } },
        mtls: { mode: 'STRICT' },
        portLevelMtls: { [String(SERVICES[name].metricsPort)]: { mode: 'PERMISSIVE' } },
      });
    }
    expect(peer).toHaveLength(NAMES.length + 1);
  });

  it('exposes the public API at the ingress, and only to the gateway', () => {
    const gateway = OBJECTS.find((o) => o.kind === 'Gateway')!;
    expect((gateway.spec as { selector: unknown }).selector).toEqual({ istio: 'ingressgateway' });
    const ingress = OBJECTS.find((o) => o.kind === 'VirtualService' && (o.spec as { gateways?: string[] }).gateways?.includes(gateway.metadata.name))!;
    const http = (ingress.spec as { http: { match: { uri: { prefix: string } }[]; route: { destination: { host: string; port: { number: number } } }[] }[] }).http;
    expect(http).toHaveLength(1);
    expect(http[0]!.route).toEqual([{ destination: { host: 'gateway', port: { number: SERVICES.gateway.port } } }]);
    const prefix = http[0]!.match[0]!.uri.prefix;
    for (const r of ROUTES) expect(r.template.startsWith(prefix), r.template).toBe(true);
  });
});
