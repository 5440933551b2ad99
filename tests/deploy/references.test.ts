/**
 * Cross-references between files: what the kustomizations load exists, every
 * manifest is deployed by something, the observability inputs are mounted
 * where their own configuration expects them, and every in-cluster address a
 * manifest or config names is a Service with that port.
 */
import path from 'node:path';
import { SERVICES } from '@govrnanza/topology';
import { describe, expect, it } from 'vitest';
import { MOUNTS } from '../../tools/gen-deploy/observability';
import { referencedPaths } from './support/kustomize';
import { deployYamlFiles, exists, filesUnder, isKustomization, parseYamlStream, read, readObjects, type K8sObject } from './support/repo';

const FILES = deployYamlFiles();
const KUSTOMIZATIONS = FILES.filter(isKustomization);
const OBJECTS = FILES.filter((f) => !isKustomization(f)).flatMap(readObjects);

/** Manifests applied by something other than a kustomization, and by what. */
const APPLIED_OTHERWISE: Record<string, string> = {
  'deploy/k8s/load-job.yaml': 'Tilt (the load resource)',
  'deploy/istio/install/istio-operator.yaml': 'istioctl install -f',
};
const isFault = (f: string): boolean => /\/faults\/[^/]+\.yaml$/.test(f);

function kindOf(dir: string): string {
  return String((parseYamlStream(read(`${dir}/kustomization.yaml`))[0] as { kind: string }).kind);
}

function service(name: string): K8sObject {
  const s = OBJECTS.find((o) => o.kind === 'Service' && o.metadata.name === name);
  expect(s, `Service ${name}`).toBeDefined();
  return s!;
}

function servicePorts(name: string): number[] {
  return (service(name).spec as { ports: { port: number }[] }).ports.map((p) => p.port);
}

/** `host:port` (or a URL) names a Service of the stack with that port. */
function expectServiceAddress(address: string): void {
  const { hostname, port } = new URL(address.includes('://') ? address : `tcp://${address}`);
  const name = hostname.replace(/\.govrnanza\.svc\.cluster\.local$/, '');
  expect(servicePorts(name), address).toContain(Number(port));
}

function deployment(name: string): { args?: string[]; volumeMounts: { name: string; mountPath: string; subPath?: string }[]; volumes: Record<string, unknown>[] } {
  const d = OBJECTS.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!;
  const pod = (d.spec as { template: { spec: { containers: { args?: string[]; volumeMounts: never[] }[]; volumes: never[] } } }).template.spec;
  return { args: pod.containers[0]!.args, volumeMounts: pod.containers[0]!.volumeMounts, volumes: pod.volumes };
}

describe('kustomizations', () => {
  it.each(KUSTOMIZATIONS)('%s: everything it loads exists', (file) => {
    for (const ref of referencedPaths(file)) expect(exists(ref), ref).toBe(true);
  });

  it.each(KUSTOMIZATIONS)('%s: includes kustomizations as resources and Components as components', (file) => {
    const k = parseYamlStream(read(file))[0] as { resources?: string[]; components?: string[] };
    const dir = path.posix.dirname(file);
    for (const r of k.resources ?? []) {
      const target = path.posix.normalize(path.posix.join(dir, r));
      if (!r.endsWith('.yaml')) expect(kindOf(target), target).toBe('Kustomization');
      // Kustomize refuses an entry that includes a directory above itself.
      expect(dir.startsWith(`${target}/`), `${file} includes its ancestor ${target}`).toBe(false);
    }
    for (const c of k.components ?? []) expect(kindOf(path.posix.normalize(path.posix.join(dir, c)))).toBe('Component');
  });

  it('deploy every manifest, except those applied otherwise (faults, the load Job, the Istio install)', () => {
    const loaded = new Set(KUSTOMIZATIONS.flatMap(referencedPaths));
    const orphans = FILES.filter((f) => !isKustomization(f) && !loaded.has(f) && !isFault(f) && !APPLIED_OTHERWISE[f]);
    expect(orphans).toEqual([]);
    for (const f of Object.keys(APPLIED_OTHERWISE)) expect(exists(f), f).toBe(true);
  });
});

describe('observability inputs (deploy/prometheus, deploy/grafana)', () => {
  it('exist: the scrape config, rules, a data source, a dashboard provider and dashboards', () => {
    expect(exists('deploy/prometheus/prometheus.k8s.yml'), 'deploy/prometheus/prometheus.k8s.yml').toBe(true);
    expect(filesUnder('deploy/prometheus/rules').filter((f) => f.endsWith('.yml')).length, 'deploy/prometheus/rules/*.yml').toBeGreaterThan(0);
    expect(filesUnder('deploy/grafana/provisioning/datasources').length, 'Grafana data sources').toBeGreaterThan(0);
    expect(filesUnder('deploy/grafana/provisioning/dashboards').length, 'Grafana dashboard providers').toBeGreaterThan(0);
    expect(filesUnder('deploy/grafana/dashboards').filter((f) => f.endsWith('.json')).length, 'Grafana dashboards').toBeGreaterThan(0);
  });

  it('Prometheus reads its config and rules where they are mounted', () => {
    const prom = deployment('prometheus');
    expect(prom.args).toContain(`--config.file=${MOUNTS.prometheusConfig}`);
    expect(prom.args).toContain('--enable-feature=exemplar-storage');
    expect(prom.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: MOUNTS.prometheusConfig, subPath: path.basename(MOUNTS.prometheusConfig) }));
    expect(prom.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: MOUNTS.prometheusRules }));
    const config = parseYamlStream(read('deploy/prometheus/prometheus.k8s.yml'))[0] as { rule_files: string[] };
    for (const glob of config.rule_files) expect(path.posix.dirname(glob), glob).toBe(MOUNTS.prometheusRules);
  });

  it('Prometheus scrapes every replica: each DNS name is a headless Service at the metrics port', () => {
    const config = parseYamlStream(read('deploy/prometheus/prometheus.k8s.yml'))[0] as {
      scrape_configs: { dns_sd_configs?: { names: string[]; port: number }[] }[];
    };
    const targets = config.scrape_configs.flatMap((s) => s.dns_sd_configs ?? []).flatMap((d) => d.names.map((n) => ({ name: n, port: d.port })));
    expect(targets.map((t) => t.port).sort()).toEqual(Object.values(SERVICES).map((s) => s.metricsPort).sort());
    for (const t of targets) {
      // A ClusterIP name resolves to one virtual IP: each scrape would hit whichever replica it picks.
      expect((service(t.name).spec as { clusterIP?: string }).clusterIP, `${t.name} should be a headless Service (e.g. ${t.name.replace(/-metrics$/, '')}-metrics)`).toBe('None');
      expect(servicePorts(t.name)).toContain(t.port);
    }
  });

  it('Grafana finds its provisioning and the dashboards where the provider looks', () => {
    const grafana = deployment('grafana');
    const mounts = grafana.volumeMounts.map((m) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining([MOUNTS.grafanaDatasources, MOUNTS.grafanaDashboardProviders, MOUNTS.grafanaDashboards]));
    for (const file of filesUnder('deploy/grafana/provisioning/dashboards')) {
      const providers = (parseYamlStream(read(file))[0] as { providers: { type: string; options: { path: string } }[] }).providers;
      for (const p of providers.filter((x) => x.type === 'file')) expect(p.options.path, file).toBe(MOUNTS.grafanaDashboards);
    }
  });

  it('Grafana mounts every dashboard', () => {
    const sources = (deployment('grafana').volumes.find((v) => v.name === 'dashboards') as { projected: { sources: { configMap: { name: string } }[] } }).projected.sources;
    expect(sources).toHaveLength(filesUnder('deploy/grafana/dashboards').filter((f) => f.endsWith('.json')).length);
  });

  it('the data sources point at Services of the stack', () => {
    for (const file of filesUnder('deploy/grafana/provisioning/datasources')) {
      const sources = (parseYamlStream(read(file))[0] as { datasources: { url: string }[] }).datasources;
      for (const s of sources) expectServiceAddress(s.url);
    }
  });
});

describe('in-cluster addresses', () => {
  it('every service address, Redis, and the OTLP endpoint in the services\' environment are Services with those ports', () => {
    for (const name of Object.keys(SERVICES)) {
      for (const line of read(`deploy/k8s/services/${name}.env`).split('\n')) {
        const [k, v] = line.split('=');
        if (k?.endsWith('_ADDR') || k === 'REDIS_URL' || k === 'OTEL_EXPORTER_OTLP_ENDPOINT') expectServiceAddress(v!);
      }
    }
  });

  it('the mesh sends its spans to Jaeger through the provider the Telemetry names', () => {
    const operator = OBJECTS.find((o) => o.kind === 'IstioOperator')!;
    const providers = (operator.spec as { meshConfig: { extensionProviders: { name: string; opentelemetry: { service: string; port: number } }[] } }).meshConfig.extensionProviders;
    const telemetry = OBJECTS.find((o) => o.kind === 'Telemetry')!;
    const wanted = (telemetry.spec as { tracing: { providers: { name: string }[] }[] }).tracing.flatMap((t) => t.providers.map((p) => p.name));
    for (const name of wanted) {
      const p = providers.find((x) => x.name === name);
      expect(p, name).toBeDefined();
      expectServiceAddress(`${p!.opentelemetry.service}:${p!.opentelemetry.port}`);
    }
  });

  it('the load generator forwards to the gateway Service by default', () => {
    const job = OBJECTS.find((o) => o.kind === 'Job')!;
    const init = (job.spec as { template: { spec: { initContainers: { env: { name: string; value: string }[] }[] } } }).template.spec.initContainers[0]!;
    expectServiceAddress(init.env.find((e) => e.name === 'UPSTREAM')!.value);
  });
});
