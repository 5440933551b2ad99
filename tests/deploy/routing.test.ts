/**
 * Istio routing per resilience mode, and the chaos experiments' faults: each
 * targets a real service, method and caller, and leaves the rest of the
 * service's routing as the mode has it.
 */
import { account, billing, idempotencyOf, profile, registry } from '@govrnanza/contracts';
import { METHOD_CALLS, ROUTES, SERVICES, callsOf, type BackendName, type ServiceName } from '@govrnanza/topology';
import { describe, expect, it } from 'vitest';
import { exists, filesUnder, parseYamlStream, read, readObjects, type K8sObject } from './support/repo';

const NAMES = Object.keys(SERVICES) as ServiceName[];
const EXPERIMENTS = [
  'profile-slow',
  'account-down',
  'profile-flaky',
  'dependency-down-registry',
  'dependency-down-account',
  'fanout-tail',
  'resilience-none-vs-code',
];
const FAULT_DIRS = { code: 'deploy/istio/faults', mesh: 'deploy/istio/modes/mesh/faults' } as const;
const GRPC_CODES = [
  'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE',
  'DATA_LOSS', 'UNAUTHENTICATED',
];

interface HttpRoute {
  name?: string;
  match?: { uri?: { exact?: string }; sourceLabels?: Record<string, string> }[];
  fault?: { delay?: { fixedDelay: string; percentage: { value: number } }; abort?: { grpcStatus: string; percentage: { value: number } } };
  route: { destination: { host: string; port: { number: number } } }[];
  timeout?: string;
  retries?: { attempts: number; perTryTimeout?: string; retryOn?: string };
}
const httpOf = (vs: K8sObject): HttpRoute[] => (vs.spec as { http: HttpRoute[] }).http;
const byKind = (objects: K8sObject[], kind: string, name: string): K8sObject | undefined =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

const SERVED: Record<BackendName, Set<string>> = {
  account: new Set(Object.values(account.AccountServiceService).map((m) => m.path)),
  profile: new Set(Object.values(profile.ProfileServiceService).map((m) => m.path)),
  registry: new Set(Object.values(registry.RegistryServiceService).map((m) => m.path)),
  billing: new Set(Object.values(billing.BillingServiceService).map((m) => m.path)),
};

/** Which services call which path (from ROUTES and METHOD_CALLS). */
function callersOfPath(path: string): Set<string> {
  const out = new Set<string>();
  const pathOf = (s: ServiceName, m: string): string => `/${SERVICES[s].grpcService}/${m}`;
  for (const r of ROUTES) for (const c of r.calls) if (pathOf(c.downstream, c.method) === path) out.add('gateway');
  for (const [k, calls] of Object.entries(METHOD_CALLS)) for (const c of calls) if (pathOf(c.downstream, c.method) === path) out.add(k.split('.')[0]!);
  return out;
}

const retriesAfterTheServerRan = (retryOn = ''): boolean => retryOn.split(',').some((c) => ['unavailable', 'reset', 'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', '5xx', 'gateway-error'].includes(c));

function baseRoutes(flavor: 'code' | 'mesh'): Map<string, HttpRoute[]> {
  const objects = flavor === 'code' ? NAMES.flatMap((n) => readObjects(`deploy/istio/mesh/routing/${n}.yaml`)) : readObjects('deploy/istio/modes/mesh/traffic.yaml');
  return new Map(NAMES.map((n) => [n, httpOf(byKind(objects, 'VirtualService', n)!)]));
}

describe('routing in the code modes (none, code)', () => {
  it.each(NAMES)('%s: routes to itself, never retries in the mesh, only a backstop timeout', (name) => {
    const objects = readObjects(`deploy/istio/mesh/routing/${name}.yaml`);
    const vs = byKind(objects, 'VirtualService', name)!;
    expect((vs.spec as { hosts: string[] }).hosts).toEqual([name]);
    for (const r of httpOf(vs)) {
      expect(r.route).toEqual([{ destination: { host: name, port: { number: SERVICES[name].port } } }]);
      expect(r.retries).toEqual({ attempts: 0 });
      expect(r.timeout).toBeDefined();
    }
    const dr = byKind(objects, 'DestinationRule', name)!.spec as { host: string; trafficPolicy: Record<string, unknown> };
    expect(dr.host).toBe(name);
    expect(dr.trafficPolicy.connectionPool).toBeDefined();
    expect(dr.trafficPolicy.outlierDetection).toBeUndefined();
  });
});

describe('routing in the mesh modes (mesh, both)', () => {
  const traffic = readObjects('deploy/istio/modes/mesh/traffic.yaml');

  it('is the same for mesh and both', () => {
    expect(parseYamlStream(read('deploy/istio/modes/both/traffic.yaml'))).toEqual(parseYamlStream(read('deploy/istio/modes/mesh/traffic.yaml')));
  });

  it.each(NAMES)('%s: retries after the server may have run only idempotent methods; has outlier detection and a retry cap', (name) => {
    for (const r of httpOf(byKind(traffic, 'VirtualService', name)!)) {
      expect(r.timeout, r.name).toBeDefined();
      expect(r.route[0]!.destination.host).toBe(name);
      if (!retriesAfterTheServerRan(r.retries?.retryOn)) continue;
      expect(r.match, `${r.name}: a route retrying on ${r.retries?.retryOn} must match idempotent methods`).toBeDefined();
      for (const m of r.match!) expect(idempotencyOf(m.uri!.exact!), m.uri!.exact).not.toBe('IDEMPOTENCY_UNKNOWN');
    }
    const dr = byKind(traffic, 'DestinationRule', name)!.spec as { trafficPolicy: { outlierDetection?: unknown; connectionPool: { http: { maxRetries?: number } } } };
    expect(dr.trafficPolicy.outlierDetection).toBeDefined();
    expect(dr.trafficPolicy.connectionPool.http.maxRetries).toBeGreaterThan(0);
  });

  it('retries the back-ends in the mesh, not the gateway (its public POSTs are not idempotent)', () => {
    for (const name of NAMES) {
      const attempts = httpOf(byKind(traffic, 'VirtualService', name)!).map((r) => r.retries?.attempts ?? 0);
      if (name === 'gateway') expect(attempts).toEqual([0]);
      else expect(Math.max(...attempts), name).toBeGreaterThan(0);
    }
  });
});

describe('resilience modes', () => {
  it.each(['none', 'code', 'mesh', 'both'])('%s: sets RESILIENCE for every service; mesh routing only in mesh and both', (mode) => {
    const k = parseYamlStream(read(`deploy/istio/modes/${mode}/kustomization.yaml`))[0] as {
      configMapGenerator: { name: string; behavior: string; literals: string[] }[];
      patches?: { path: string }[];
    };
    expect(k.configMapGenerator.map((g) => g.name).sort()).toEqual(NAMES.map((n) => `${n}-config`).sort());
    for (const g of k.configMapGenerator) expect(g).toEqual({ name: g.name, behavior: 'merge', literals: [`RESILIENCE=${mode}`] });
    expect(k.patches?.map((p) => p.path) ?? []).toEqual(mode === 'mesh' || mode === 'both' ? ['traffic.yaml'] : []);
  });
});

describe.each(Object.entries(FAULT_DIRS))('faults for the %s modes', (flavor, dir) => {
  const base = baseRoutes(flavor as 'code' | 'mesh');

  it('ship one file per experiment and nothing else', () => {
    for (const e of EXPERIMENTS) expect(exists(`${dir}/${e}.yaml`), e).toBe(true);
    expect(filesUnder(dir).map((f) => f.slice(dir.length + 1))).toEqual(EXPERIMENTS.map((e) => `${e}.yaml`).sort());
  });

  it.each(EXPERIMENTS)('%s: replaces real services\' VirtualServices, faulting real methods and callers', (experiment) => {
    const docs = readObjects(`${dir}/${experiment}.yaml`);
    expect(docs.length).toBeGreaterThan(0);
    for (const vs of docs) {
      const name = vs.metadata.name as BackendName;
      expect(vs.kind).toBe('VirtualService');
      expect(Object.keys(SERVED), 'a back-end').toContain(name);
      expect(vs.metadata.namespace).toBe('govrnanza');
      expect((vs.spec as { hosts: string[] }).hosts).toEqual([name]);
      const http = httpOf(vs);
      const faulted = http.filter((r) => r.fault);
      expect(faulted).toHaveLength(1);
      for (const r of http) expect(r.route).toEqual([{ destination: { host: name, port: { number: SERVICES[name].port } } }]);
      for (const m of faulted[0]!.match ?? []) {
        if (m.uri) {
          expect(SERVED[name].has(m.uri.exact!), m.uri.exact).toBe(true);
          if (m.sourceLabels) expect([...callersOfPath(m.uri.exact!)], `${m.sourceLabels.app} calls ${m.uri.exact}`).toContain(m.sourceLabels.app);
        }
        if (m.sourceLabels) expect(NAMES).toContain(m.sourceLabels.app);
      }
      const { delay, abort } = faulted[0]!.fault!;
      expect(delay ?? abort).toBeDefined();
      if (abort) expect(GRPC_CODES).toContain(abort.grpcStatus);
      for (const p of [delay?.percentage.value, abort?.percentage.value].filter((v) => v !== undefined)) {
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThanOrEqual(100);
      }
      if (delay) expect(delay.fixedDelay).toMatch(/^\d+(ms|s)$/);
      // Requests the fault does not match keep the mode's routing.
      const rest = http.filter((r) => !r.fault);
      if (faulted[0]!.match) expect(rest).toEqual(base.get(name));
      else expect(rest).toEqual([]);
      expect(http.at(-1)!.match, 'the last route takes every request').toBeUndefined();
    }
  });
});

describe('what each experiment injects', () => {
  const faults = (e: string): Map<string, HttpRoute> =>
    new Map(readObjects(`deploy/istio/faults/${e}.yaml`).map((vs) => [vs.metadata.name, httpOf(vs).find((r) => r.fault)!]));

  it('profile-slow delays profile; profile-flaky fails some of its calls', () => {
    expect([...faults('profile-slow').keys()]).toEqual(['profile']);
    expect(faults('profile-slow').get('profile')!.fault!.delay).toBeDefined();
    const flaky = faults('profile-flaky').get('profile')!.fault!.abort!;
    expect(flaky.grpcStatus).toBe('UNAVAILABLE');
    expect(flaky.percentage.value).toBeLessThan(100);
  });

  it.each([['account-down', 'account']])('%s takes %s down for every caller', (e, service) => {
    const route = faults(e).get(service)!;
    expect([...faults(e).keys()]).toEqual([service]);
    expect(route.match).toBeUndefined();
    expect(route.fault!.abort).toEqual({ grpcStatus: 'UNAVAILABLE', percentage: { value: 100 } });
  });

  it.each([
    ['dependency-down-account', 'account'],
    ['dependency-down-registry', 'registry'],
  ])('%s leaves %s hanging for every caller, past every deadline', (e, service) => {
    const route = faults(e).get(service)!;
    expect([...faults(e).keys()]).toEqual([service]);
    expect(route.match).toBeUndefined();
    expect(route.fault!.delay!.percentage.value).toBe(100);
    expect(Number(/^(\d+)ms$/.exec(route.fault!.delay!.fixedDelay)![1])).toBeGreaterThanOrEqual(5000);
  });

  it("fanout-tail slows account ListPlans, the fan-out lab route's n parallel reads, on a share of calls", () => {
    const f = faults('fanout-tail');
    const lab = ROUTES.find((r) => r.id === 'labFanout')!.calls[0]!;
    expect([...f.keys()]).toEqual([lab.downstream]);
    expect(f.get(lab.downstream)!.match).toEqual([{ uri: { exact: `/${SERVICES[lab.downstream].grpcService}/${lab.method}` } }]);
    expect(f.get(lab.downstream)!.fault!.delay!.percentage.value).toBeLessThan(100);
  });

  it('resilience-none-vs-code fails a retryable method sometimes (a retry can fix it)', () => {
    for (const route of faults('resilience-none-vs-code').values()) {
      expect(route.fault!.abort!.percentage.value).toBeLessThan(100);
      for (const m of route.match!) expect(idempotencyOf(m.uri!.exact!)).not.toBe('IDEMPOTENCY_UNKNOWN');
    }
  });
});
