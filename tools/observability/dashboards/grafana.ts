/**
 * A small builder for Grafana dashboard JSON (schema version 39): only the
 * fields Govrnanza's dashboards use. Panels are declared in reading order
 * and laid out on Grafana's 24-column grid by {@link layout}.
 */

/** The provisioned data sources' uids (deploy/grafana/provisioning/datasources). */
export const PROMETHEUS_UID = 'prometheus';
export const JAEGER_UID = 'jaeger';
export const SCHEMA_VERSION = 39;

export interface DataSourceRef {
  type: 'prometheus';
  uid: string;
}

const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: PROMETHEUS_UID };

export interface Target {
  datasource: DataSourceRef;
  refId: string;
  expr: string;
  legendFormat: string;
  editorMode: 'code';
  range: boolean;
  instant: boolean;
  /** Ask Prometheus for exemplars (trace ids) on this histogram query. */
  exemplar: boolean;
  format: 'time_series' | 'heatmap';
}

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: GridPos;
  datasource?: DataSourceRef;
  targets?: Target[];
  fieldConfig?: { defaults: Record<string, unknown>; overrides: unknown[] };
  options?: Record<string, unknown>;
  collapsed?: boolean;
  panels?: Panel[];
}

export interface Variable {
  type: 'custom';
  name: string;
  label: string;
  query: string;
  multi: boolean;
  includeAll: boolean;
  current: { selected: boolean; text: string[]; value: string[] };
  options: Array<{ selected: boolean; text: string; value: string }>;
  hide: 0;
  skipUrlSync: false;
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  editable: boolean;
  graphTooltip: number;
  schemaVersion: number;
  version: number;
  refresh: string;
  time: { from: string; to: string };
  timezone: string;
  links: unknown[];
  annotations: { list: unknown[] };
  templating: { list: Variable[] };
  panels: Panel[];
}

/** A query of a panel. `legend` is a Grafana legend format, e.g. `{{service}}`. */
export interface Query {
  expr: string;
  legend?: string;
  /** Evaluate once at the end of the range (bar gauges). */
  instant?: boolean;
  exemplar?: boolean;
  format?: Target['format'];
}

/** A panel before layout: what it shows and how big it is. */
export interface PanelSpec {
  kind: 'panel';
  type: 'timeseries' | 'bargauge' | 'state-timeline' | 'heatmap';
  title: string;
  description?: string;
  queries: Query[];
  fieldDefaults: Record<string, unknown>;
  options: Record<string, unknown>;
  w: number;
  h: number;
}

export interface RowSpec {
  kind: 'row';
  title: string;
  collapsed: boolean;
  children: PanelSpec[];
}

export interface PanelOptions {
  description?: string;
  /** Grafana unit: `percentunit`, `s`, `reqps`, `bytes`, `none`… */
  unit?: string;
  min?: number;
  max?: number;
  decimals?: number;
  w?: number;
  h?: number;
}

function defaults(o: PanelOptions): Record<string, unknown> {
  const d: Record<string, unknown> = { unit: o.unit ?? 'short' };
  if (o.min !== undefined) d.min = o.min;
  if (o.max !== undefined) d.max = o.max;
  if (o.decimals !== undefined) d.decimals = o.decimals;
  return d;
}

function spec(type: PanelSpec['type'], title: string, queries: Query[], o: PanelOptions, extra: Partial<PanelSpec>): PanelSpec {
  return {
    kind: 'panel',
    type,
    title,
    description: o.description,
    queries,
    fieldDefaults: defaults(o),
    options: {},
    w: o.w ?? 12,
    h: o.h ?? 8,
    ...extra,
  };
}

const LEGEND = { displayMode: 'table', placement: 'bottom', showLegend: true, calcs: ['lastNotNull', 'max'] };
const TOOLTIP = { mode: 'multi', sort: 'desc' };

/** A line chart over time. */
export function timeseries(title: string, queries: Query[], o: PanelOptions = {}): PanelSpec {
  return spec('timeseries', title, queries, o, { options: { legend: LEGEND, tooltip: TOOLTIP } });
}

/** Horizontal bars of instant values, e.g. where a route's time goes. */
export function barGauge(title: string, queries: Query[], o: PanelOptions = {}): PanelSpec {
  const instant = queries.map((q) => ({ ...q, instant: true }));
  return spec('bargauge', title, instant, o, {
    options: {
      orientation: 'horizontal',
      displayMode: 'gradient',
      showUnfilled: true,
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
    },
  });
}

/** Discrete states over time; `states` maps a value to its name and colour. */
export function stateTimeline(title: string, queries: Query[], states: Array<[number, string, string]>, o: PanelOptions = {}): PanelSpec {
  const p = spec('state-timeline', title, queries, o, {
    options: { showValue: 'auto', mergeValues: true, rowHeight: 0.9, legend: { displayMode: 'list', placement: 'bottom', showLegend: true } },
  });
  const options = Object.fromEntries(states.map(([v, text, color], index) => [String(v), { text, color, index }]));
  p.fieldDefaults = { ...p.fieldDefaults, mappings: [{ type: 'value', options }], color: { mode: 'thresholds' } };
  return p;
}

/** A latency heatmap from a histogram's buckets, with exemplars. */
export function heatmap(title: string, expr: string, o: PanelOptions = {}): PanelSpec {
  return spec('heatmap', title, [{ expr, legend: '{{le}}', format: 'heatmap', exemplar: true }], o, {
    options: {
      calculate: false,
      yAxis: { unit: o.unit ?? 's' },
      cellGap: 1,
      color: { mode: 'scheme', scheme: 'Oranges', scale: 'exponential', exponent: 0.5 },
      exemplars: { color: 'rgba(255,0,255,0.7)' },
      tooltip: { mode: 'single', yHistogram: true },
    },
  });
}

/** A row of panels; collapsed rows keep long dashboards light. */
export function row(title: string, children: PanelSpec[], collapsed = false): RowSpec {
  return { kind: 'row', title, collapsed, children };
}

function target(q: Query, i: number): Target {
  return {
    datasource: PROMETHEUS,
    refId: String.fromCharCode(65 + i),
    expr: q.expr,
    legendFormat: q.legend ?? '__auto',
    editorMode: 'code',
    range: !q.instant,
    instant: q.instant ?? false,
    exemplar: q.exemplar ?? false,
    format: q.format ?? 'time_series',
  };
}

/** Lays rows and panels out left to right, top to bottom, and numbers them. */
export function layout(items: RowSpec[]): Panel[] {
  let id = 0;
  let y = 0;
  const place = (specs: PanelSpec[], top: number): { panels: Panel[]; bottom: number } => {
    let x = 0;
    let rowTop = top;
    let rowHeight = 0;
    const panels = specs.map((s) => {
      if (x + s.w > 24) {
        x = 0;
        rowTop += rowHeight;
        rowHeight = 0;
      }
      const panel: Panel = {
        id: ++id,
        type: s.type,
        title: s.title,
        ...(s.description ? { description: s.description } : {}),
        gridPos: { x, y: rowTop, w: s.w, h: s.h },
        datasource: PROMETHEUS,
        targets: s.queries.map(target),
        fieldConfig: { defaults: s.fieldDefaults, overrides: [] },
        options: s.options,
      };
      x += s.w;
      rowHeight = Math.max(rowHeight, s.h);
      return panel;
    });
    return { panels, bottom: rowTop + rowHeight };
  };
  const out: Panel[] = [];
  for (const r of items) {
    const rowPanel: Panel = { id: ++id, type: 'row', title: r.title, gridPos: { x: 0, y, w: 24, h: 1 }, collapsed: r.collapsed };
    const { panels, bottom } = place(r.children, y + 1);
    if (r.collapsed) {
      out.push({ ...rowPanel, panels });
      y += 1;
    } else {
      out.push({ ...rowPanel, panels: [] }, ...panels);
      y = bottom;
    }
  }
  return out;
}

/** A custom, multi-valued variable whose default is All. */
export function customVariable(name: string, label: string, values: readonly string[]): Variable {
  return {
    type: 'custom',
    name,
    label,
    query: values.join(','),
    multi: true,
    includeAll: true,
    current: { selected: true, text: ['All'], value: ['$__all'] },
    options: [
      { selected: true, text: 'All', value: '$__all' },
      ...values.map((v) => ({ selected: false, text: v, value: v })),
    ],
    hide: 0,
    skipUrlSync: false,
  };
}

export interface DashboardOptions {
  uid: string;
  title: string;
  description: string;
  rows: RowSpec[];
  variables?: Variable[];
}

/** A complete dashboard, linked to the other Govrnanza dashboards by tag. */
export function dashboard(o: DashboardOptions): Dashboard {
  return {
    uid: o.uid,
    title: o.title,
    description: `${o.description} Generated by tools/observability/generate.ts; do not edit by hand.`,
    tags: ['govrnanza'],
    editable: true,
    graphTooltip: 1,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    refresh: '10s',
    time: { from: 'now-30m', to: 'now' },
    timezone: 'browser',
    links: [{ type: 'dashboards', tags: ['govrnanza'], asDropdown: false, includeVars: false, keepTime: true, title: 'Govrnanza', icon: 'external link' }],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: { list: o.variables ?? [] },
    panels: layout(o.rows),
  };
}
