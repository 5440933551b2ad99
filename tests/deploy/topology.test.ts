/**
 * The manifests follow @govrnanza/topology: every service has its objects,
 * with the topology's names and default ports, the documented environment
 * (the configuration table), and a hardened pod.
 */
import { BACKENDS, SERVICES, addressEnvVar, downstreamsOf, type ServiceName } from '@govrnanza/topology';
import { describe, expect, it } from 'vitest';
import { imageRef } from '../../tools/build';
import { deployYamlFiles, exists, read, readObjects, type K8sObject } from './support/repo';

const NAMES = Object.keys(SERVICES) as ServiceName[];
const ALL = deployYamlFiles().filter((f) => !f.endsWith('kustomization.yaml')).flatMap(readObjects);

function find(kind: string, name: string, objects: K8sObject[] = ALL): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found.length, `${kind} ${name}`).toBeGreaterThan(0);
  return found[0]!;
}

/** `KEY=value` lines of an env file. */
function envOf(name: ServiceName): Map<string, string> {
  const lines = read(`deploy/k8s/services/${name}.env`).split('\n').filter((l) => l && !l.startsWith('#'));
  return new Map(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** Where the configuration table lives. */
const CONFIG_DOCS = ['README.md'];

/** The configuration table (`| variable | services | … |`): variable → the services that read it. */
function documentedVariables(): Map<string, Set<ServiceName>> {
  const callers = NAMES.filter((n) => downstreamsOf(n).length > 0);
  const scope = (cell: string): ServiceName[] => {
    if (cell === 'all') return NAMES;
    if (cell === 'back-ends') return [...BACKENDS];
    if (cell === 'callers') return callers;
    return cell.split(',').map((s) => s.trim() as ServiceName);
  };
  const out = new Map<string, Set<ServiceName>>();
  for (const doc of CONFIG_DOCS.filter(exists)) {
    let inTable = false;
    for (const line of read(doc).split('\n')) {
      const cells = line.split('|').map((c) => c.trim());
      if (/^\|\s*variable\s*\|\s*services\s*\|/i.test(line)) inTable = true;
      else if (!line.startsWith('|')) inTable = false;
      else if (inTable && cells[1]?.startsWith('`')) {
        for (const v of cells[1].match(/`([A-Z0-9_]+)`/g) ?? []) out.set(v.slice(1, -1), new Set(scope(cells[2]!)));
      }
    }
  }
  return out;
}

interface Container {
  name: string;
  image: string;
  ports?: { name: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string } }[];
  readinessProbe?: Record<string, Record<string, unknown>>;
  livenessProbe?: Record<string, Record<string, unknown>>;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
}
interface PodSpec {
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type: string } };
  containers: Container[];
  initContainers?: Container[];
}
const podOf = (o: K8sObject): PodSpec => (o.spec as { template: { spec: PodSpec } }).template.spec;

function expectHardened(o: K8sObject): void {
  const pod = podOf(o);
  const where = `${o.kind} ${o.metadata.name}`;
  expect(pod.securityContext?.runAsNonRoot, where).toBe(true);
  expect(pod.securityContext?.seccompProfile?.type, where).toBe('RuntimeDefault');
  for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
    expect(c.securityContext, `${where}/${c.name}`).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(Object.keys(c.resources?.requests ?? {}).sort(), `${where}/${c.name} requests`).toEqual(['cpu', 'memory']);
    expect(Object.keys(c.resources?.limits ?? {}).sort(), `${where}/${c.name} limits`).toEqual(['cpu', 'memory']);
  }
}

describe.each(NAMES)('%s', (name) => {
  const spec = SERVICES[name];
  const main = spec.protocol;

  it('has its ServiceAccount, Deployment, Service, VirtualService, DestinationRule, PeerAuthentication and AuthorizationPolicy', () => {
    for (const kind of ['ServiceAccount', 'Deployment', 'Service', 'VirtualService', 'DestinationRule', 'PeerAuthentication', 'AuthorizationPolicy']) {
      find(kind, name);
    }
  });

  it('has a Service with the topology ports: main port named grpc (or http), and metrics', () => {
    const svc = find('Service', name).spec as { selector: Record<string, string>; ports: Record<string, unknown>[] };
    expect(svc.selector).toEqual({ app: name });
    expect(svc.ports).toEqual([
      expect.objectContaining({ name: main, port: spec.port, targetPort: main, appProtocol: main }),
      expect.objectContaining({ name: 'metrics', port: spec.metricsPort, targetPort: 'metrics' }),
    ]);
    const metrics = find('Service', `${name}-metrics`).spec as { clusterIP: string; ports: Record<string, unknown>[] };
    expect(metrics.clusterIP).toBe('None');
    expect(metrics.ports).toEqual([expect.objectContaining({ name: 'metrics', port: spec.metricsPort })]);
  });

  it('runs two replicas of its image as its own service account, on the topology ports', () => {
    const d = find('Deployment', name);
    expect((d.spec as { replicas: number }).replicas).toBe(2);
    const pod = podOf(d);
    expect(pod.serviceAccountName).toBe(name);
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0]!;
    expect(c.image).toBe(imageRef(name));
    expect(c.ports?.map((p) => [p.name, p.containerPort])).toEqual([
      [main, spec.port],
      ['metrics', spec.metricsPort],
    ]);
    expect(c.envFrom).toEqual([{ configMapRef: { name: `${name}-config` } }]);
  });

  it('probes the health service (gRPC) or /healthz (HTTP)', () => {
    const c = podOf(find('Deployment', name)).containers[0]!;
    if (main === 'grpc') {
      expect(c.readinessProbe?.grpc).toEqual({ port: spec.port, service: spec.grpcService });
      expect(c.livenessProbe?.grpc).toEqual({ port: spec.port });
    } else {
      expect(c.readinessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    }
  });

  it('is hardened and has resource requests and limits', () => {
    expectHardened(find('Deployment', name));
  });

  it('is killed only after the preStop pause and the drain period', () => {
    const pod = podOf(find('Deployment', name));
    const drainSeconds = Number(envOf(name).get('SHUTDOWN_GRACE_MS')) / 1000;
    const preStop = pod.containers[0]!.lifecycle?.preStop?.sleep?.seconds ?? 0;
    expect(drainSeconds).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + drainSeconds);
  });

  it('is configured for the cluster: its ports, its downstreams at <service>:<port>, Redis, Jaeger', () => {
    const env = envOf(name);
    expect(env.get('HOST')).toBe('0.0.0.0');
    expect(env.get('PORT')).toBe(String(spec.port));
    expect(env.get('METRICS_PORT')).toBe(String(spec.metricsPort));
    const addrs = [...env.keys()].filter((k) => k.endsWith('_ADDR')).sort();
    expect(addrs).toEqual(downstreamsOf(name).map(addressEnvVar).sort());
    for (const down of downstreamsOf(name)) expect(env.get(addressEnvVar(down))).toBe(`${down}:${SERVICES[down].port}`);
    expect(env.get('REDIS_URL')).toBe((BACKENDS as readonly string[]).includes(name) ? 'redis://redis:6379/0' : undefined);
    expect(env.get('OTEL_EXPORTER_OTLP_ENDPOINT')).toBe('http://jaeger:4318');
    expect(env.get('OTEL_SERVICE_NAME')).toBe(name);
    expect(env.get('RESILIENCE')).toBe('code');
  });

  it('reads only variables the configuration table documents for it', () => {
    const documented = documentedVariables();
    expect(documented.size, `a configuration table in ${CONFIG_DOCS.join(' or ')}`).toBeGreaterThan(10);
    for (const key of envOf(name).keys()) {
      expect(documented.has(key), `${key} is documented`).toBe(true);
      expect(documented.get(key)!.has(name), `${key} applies to ${name}`).toBe(true);
    }
  });

  it('names the services it calls for start-up ordering', () => {
    expect(find('Deployment', name).metadata.annotations?.['govrnanza.io/calls']).toBe(downstreamsOf(name).join(','));
  });
});

describe('every workload', () => {
  it.each(ALL.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').map((o) => [`${o.kind} ${o.metadata.name}`, o] as const))(
    '%s is hardened and has resource requests and limits',
    (_, o) => expectHardened(o),
  );
});
