/**
 * Wiring of the observability stack's files (deploy/prometheus, deploy/grafana,
 * generated elsewhere) into the cluster: ConfigMap generators over the files
 * that exist (grafana.ts mounts Grafana's). Kustomize cannot
 * glob, so the lists are taken from the directories when this runs; the
 * staleness test catches a file added since.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Where the files are mounted; the provisioning and the scrape config refer to these paths. */
export const MOUNTS = {
  prometheusConfig: '/etc/prometheus/prometheus.yml',
  prometheusRules: '/etc/prometheus/rules',
  grafanaDatasources: '/etc/grafana/provisioning/datasources',
  grafanaDashboardProviders: '/etc/grafana/provisioning/dashboards',
  grafanaDashboards: '/var/lib/grafana/dashboards',
} as const;

/** The scrape config, relative to deploy/. */
export const PROMETHEUS_CONFIG = 'prometheus/prometheus.k8s.yml';

/** The observability inputs found under deploy/, each list sorted, paths relative to deploy/. */
export interface ObservabilityFiles {
  rules: string[];
  datasources: string[];
  dashboardProviders: string[];
  dashboards: string[];
}

function list(deployDir: string, dir: string, ext: string): string[] {
  const abs = path.join(deployDir, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => `${dir}/${f}`);
}

export function observabilityFiles(deployDir: string): ObservabilityFiles {
  return {
    rules: list(deployDir, 'prometheus/rules', '.yml'),
    datasources: list(deployDir, 'grafana/provisioning/datasources', '.yml'),
    dashboardProviders: list(deployDir, 'grafana/provisioning/dashboards', '.yml'),
    dashboards: list(deployDir, 'grafana/dashboards', '.json'),
  };
}

/**
 * One ConfigMap per dashboard: a ConfigMap is capped at 1 MiB and
 * `kubectl apply` keeps a copy of it in an annotation capped at 256 KiB, which
 * all dashboards together would soon exceed.
 */
export function dashboardConfigMap(file: string): string {
  const base = path.basename(file, '.json').toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return `grafana-dashboard-${base}`;
}

/** The configMapGenerator entries of deploy/kustomization.yaml. */
export function observabilityGenerators(files: ObservabilityFiles): Record<string, unknown>[] {
  const gen = (name: string, app: string, list: string[]): Record<string, unknown> => ({
    name,
    ...(list.length > 0 ? { files: list } : {}),
    options: { labels: { 'app.kubernetes.io/name': app } },
  });
  return [
    gen('prometheus-config', 'prometheus', [`${path.basename(MOUNTS.prometheusConfig)}=${PROMETHEUS_CONFIG}`]),
    gen('prometheus-rules', 'prometheus', files.rules),
    gen('grafana-datasources', 'grafana', files.datasources),
    gen('grafana-dashboard-providers', 'grafana', files.dashboardProviders),
    ...files.dashboards.map((d) => gen(dashboardConfigMap(d), 'grafana', [d])),
  ];
}
