import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROUTES } from '@govrnanza/topology';
import { loadDashboards } from '../../tools/observability/queries';
import type { Dashboard, Panel } from '../../tools/observability/dashboards/grafana';
import { checkDashboard, type ModelContext } from './dashboardModel';

const ROOT = resolve(__dirname, '..', '..');
const PROVISIONING = join(ROOT, 'deploy', 'grafana', 'provisioning');

interface DatasourceFile {
  apiVersion: number;
  datasources: Array<{ name: string; uid: string; type: string; url: string; jsonData?: { exemplarTraceIdDestinations?: Array<{ name: string; datasourceUid?: string }> } }>;
}

const datasources = parse(readFileSync(join(PROVISIONING, 'datasources', 'prometheus.yml'), 'utf8')) as DatasourceFile;
const ctx: ModelContext = { datasources: {} };
for (const ds of datasources.datasources) (ctx.datasources[ds.type] ??= []).push(ds.uid);

const dashboards = loadDashboards();
const allPanels = (ps: Panel[]): Panel[] => ps.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const byUid = (uid: string): Dashboard => [...dashboards.values()].find((d) => d.uid === uid)!;

describe('Grafana provisioning', () => {
  it('provisions Prometheus with exemplar links to the Jaeger data source', () => {
    const prom = datasources.datasources.find((d) => d.type === 'prometheus');
    const jaeger = datasources.datasources.find((d) => d.type === 'jaeger');
    expect(datasources.apiVersion).toBe(1);
    expect(jaeger).toBeDefined();
    expect(prom?.jsonData?.exemplarTraceIdDestinations).toContainEqual(expect.objectContaining({ name: 'trace_id', datasourceUid: jaeger!.uid }));
  });

  it('loads the dashboards from /var/lib/grafana/dashboards', () => {
    const file = parse(readFileSync(join(PROVISIONING, 'dashboards', 'govrnanza.yml'), 'utf8')) as {
      apiVersion: number;
      providers: Array<{ type: string; options: { path: string } }>;
    };
    expect(file.apiVersion).toBe(1);
    expect(file.providers).toEqual([expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }) })]);
  });
});

describe('dashboards', () => {
  it('are the three expected, with distinct uids and titles', () => {
    expect([...dashboards.keys()]).toEqual(['chain-cost.json', 'resilience.json', 'service-red.json']);
    const ds = [...dashboards.values()];
    expect(new Set(ds.map((d) => d.uid)).size).toBe(ds.length);
    expect(new Set(ds.map((d) => d.title)).size).toBe(ds.length);
  });

  for (const [file, d] of dashboards) {
    it(`${file} is a well-formed Grafana dashboard`, () => {
      expect(checkDashboard(file, d, ctx)).toEqual([]);
    });

    it(`${file} asks for exemplars on at least one latency histogram`, () => {
      expect(allPanels(d.panels).some((p) => p.targets?.some((t) => t.exemplar))).toBe(true);
    });
  }

  it('Chain cost has a row per gateway route', () => {
    const rows = byUid('govrnanza-chain-cost').panels.filter((p) => p.type === 'row').map((p) => p.title);
    for (const r of ROUTES) expect(rows).toContain(`${r.method} ${r.template}`);
  });

  it('Service RED and Resilience filter by a multi-valued service variable', () => {
    for (const uid of ['govrnanza-service-red', 'govrnanza-resilience']) {
      const d = byUid(uid);
      expect(d.templating.list.map((v) => v.name)).toEqual(['service']);
      for (const p of allPanels(d.panels)) for (const t of p.targets ?? []) expect(t.expr).toContain('service=~"$service"');
    }
  });
});

describe('the structural check', () => {
  it('catches what would break a dashboard in Grafana', () => {
    const good = byUid('govrnanza-service-red');
    const broken = JSON.parse(JSON.stringify(good)) as Dashboard & { panels: Array<Panel & Record<string, unknown>> };
    const [row, first, second] = broken.panels;
    first!.id = row!.id;
    second!.gridPos = { ...first!.gridPos };
    first!.targets![0]!.datasource = { type: 'prometheus', uid: 'nope' };
    first!.targets![0]!.expr = 'up{job="$job"}';
    first!.targets![0]!.exemplar = true;
    first!.typo = 1;
    const problems = checkDashboard('x.json', broken, ctx).join('\n');
    for (const expected of ['duplicate panel id', 'overlap', 'not provisioned', 'undefined variable $job', 'exemplars exist only', 'unknown field "typo"']) {
      expect(problems).toContain(expected);
    }
  });
});
