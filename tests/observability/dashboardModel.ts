/**
 * A strict structural check of the Grafana dashboard model (schema version
 * 39) for the fields Govrnanza's dashboards use. No npm package ships
 * Grafana's dashboard JSON schema for offline validation (the schema lives in
 * Grafana's CUE sources), so this checks what Grafana needs to load and render
 * a provisioned dashboard: types, ids, grid positions, targets, variables.
 */

const DASHBOARD_KEYS = new Set([
  'uid', 'title', 'description', 'tags', 'editable', 'graphTooltip', 'schemaVersion', 'version', 'refresh',
  'time', 'timezone', 'links', 'annotations', 'templating', 'panels',
]);
const PANEL_KEYS = new Set(['id', 'type', 'title', 'description', 'gridPos', 'datasource', 'targets', 'fieldConfig', 'options', 'collapsed', 'panels']);
const TARGET_KEYS = new Set(['datasource', 'refId', 'expr', 'legendFormat', 'editorMode', 'range', 'instant', 'exemplar', 'format']);
const VARIABLE_KEYS = new Set(['type', 'name', 'label', 'query', 'multi', 'includeAll', 'current', 'options', 'hide', 'skipUrlSync']);
const PANEL_TYPES = new Set(['row', 'timeseries', 'bargauge', 'state-timeline', 'heatmap', 'stat', 'table', 'text']);
const BUILTIN_VARIABLES = ['__rate_interval', '__interval', '__interval_ms', '__range', '__range_s'];

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => Number.isInteger(v);

export interface ModelContext {
  /** Data source uids provisioned, by type. */
  datasources: Record<string, string[]>;
}

class Problems {
  readonly list: string[] = [];
  constructor(private readonly file: string) {}
  add(where: string, what: string): void {
    this.list.push(`${this.file} ${where}: ${what}`);
  }
  keys(where: string, o: Json, allowed: Set<string>): void {
    for (const k of Object.keys(o)) if (!allowed.has(k)) this.add(where, `unknown field "${k}"`);
  }
}

function checkGrid(p: Problems, where: string, g: unknown): g is { x: number; y: number; w: number; h: number } {
  if (!isObj(g) || !['x', 'y', 'w', 'h'].every((k) => isInt(g[k]))) {
    p.add(where, 'gridPos needs integer x, y, w, h');
    return false;
  }
  const { x, y, w, h } = g as { x: number; y: number; w: number; h: number };
  if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > 24) p.add(where, `gridPos out of the 24-column grid: ${JSON.stringify(g)}`);
  return true;
}

function overlaps(p: Problems, where: string, panels: Json[]): void {
  const boxes = panels.map((x) => x.gridPos as { x: number; y: number; w: number; h: number }).filter(Boolean);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) p.add(where, `panels ${i} and ${j} overlap`);
    }
  }
}

function checkDatasource(p: Problems, where: string, ds: unknown, ctx: ModelContext): void {
  if (!isObj(ds) || typeof ds.type !== 'string' || typeof ds.uid !== 'string') return p.add(where, 'datasource needs {type, uid}');
  if (!ctx.datasources[ds.type]?.includes(ds.uid)) p.add(where, `datasource ${ds.type}/${ds.uid} is not provisioned`);
}

function checkTargets(p: Problems, where: string, panel: Json, ctx: ModelContext, vars: Set<string>): void {
  const targets = panel.targets;
  if (!Array.isArray(targets) || targets.length === 0) return p.add(where, 'a non-row panel needs targets');
  const refIds = new Set<string>();
  targets.forEach((t, i) => {
    const tw = `${where} target ${i}`;
    if (!isObj(t)) return p.add(tw, 'not an object');
    p.keys(tw, t, TARGET_KEYS);
    checkDatasource(p, tw, t.datasource, ctx);
    if (typeof t.refId !== 'string' || !/^[A-Z]+$/.test(t.refId)) p.add(tw, 'refId must be A, B, …');
    else if (refIds.has(t.refId)) p.add(tw, `duplicate refId ${t.refId}`);
    else refIds.add(t.refId);
    if (typeof t.expr !== 'string' || !t.expr.trim()) p.add(tw, 'expr must be a non-empty string');
    else for (const m of t.expr.matchAll(/\$\{?(\w+)/g)) if (!vars.has(m[1]!)) p.add(tw, `undefined variable $${m[1]}`);
    for (const k of ['range', 'instant', 'exemplar']) if (typeof t[k] !== 'boolean') p.add(tw, `${k} must be a boolean`);
    if (t.range === t.instant) p.add(tw, 'exactly one of range and instant');
    if (!['time_series', 'heatmap', 'table'].includes(t.format as string)) p.add(tw, `format ${String(t.format)}`);
    if (t.exemplar === true && !/_bucket\b/.test(String(t.expr))) p.add(tw, 'exemplars exist only on raw histogram buckets');
  });
}

function checkPanel(p: Problems, where: string, panel: unknown, ctx: ModelContext, vars: Set<string>, ids: Set<number>, inRow: boolean): void {
  if (!isObj(panel)) return p.add(where, 'panel is not an object');
  p.keys(where, panel, PANEL_KEYS);
  if (!isInt(panel.id) || panel.id < 1) p.add(where, 'id must be a positive integer');
  else if (ids.has(panel.id)) p.add(where, `duplicate panel id ${panel.id}`);
  else ids.add(panel.id);
  if (typeof panel.title !== 'string' || !panel.title) p.add(where, 'title must be a non-empty string');
  if (!PANEL_TYPES.has(panel.type as string)) p.add(where, `unknown panel type ${String(panel.type)}`);
  checkGrid(p, where, panel.gridPos);
  if (panel.type === 'row') {
    if (inRow) p.add(where, 'rows cannot nest');
    const g = panel.gridPos as Json;
    if (g.x !== 0 || g.w !== 24 || g.h !== 1) p.add(where, 'a row spans the full width, height 1');
    if (typeof panel.collapsed !== 'boolean' || !Array.isArray(panel.panels)) return p.add(where, 'a row needs collapsed and panels');
    if (!panel.collapsed && panel.panels.length) p.add(where, 'an expanded row keeps its panels at the top level');
    panel.panels.forEach((c, i) => checkPanel(p, `${where} › ${i}`, c, ctx, vars, ids, true));
    overlaps(p, where, panel.panels as Json[]);
    return;
  }
  if (panel.panels !== undefined) p.add(where, 'only rows hold panels');
  checkDatasource(p, where, panel.datasource, ctx);
  if (!isObj(panel.fieldConfig) || !isObj(panel.fieldConfig.defaults) || !Array.isArray(panel.fieldConfig.overrides)) p.add(where, 'fieldConfig needs defaults and overrides');
  if (!isObj(panel.options)) p.add(where, 'options must be an object');
  checkTargets(p, where, panel, ctx, vars);
}

function checkVariables(p: Problems, templating: unknown): Set<string> {
  const names = new Set(BUILTIN_VARIABLES);
  if (!isObj(templating) || !Array.isArray(templating.list)) {
    p.add('templating', 'needs a list');
    return names;
  }
  templating.list.forEach((v, i) => {
    const where = `variable ${i}`;
    if (!isObj(v)) return p.add(where, 'not an object');
    p.keys(where, v, VARIABLE_KEYS);
    if (typeof v.name !== 'string' || !/^\w+$/.test(v.name)) return p.add(where, 'name must be a word');
    names.add(v.name);
    if (v.type !== 'custom') return p.add(where, `type ${String(v.type)} is not checked here`);
    const values = (Array.isArray(v.options) ? v.options : []).map((o) => (isObj(o) ? o.value : undefined)).filter((x) => x !== '$__all');
    if (values.join(',') !== v.query) p.add(where, 'custom query and options disagree');
    if (v.includeAll && !(Array.isArray(v.options) && isObj(v.options[0]) && v.options[0].value === '$__all')) p.add(where, 'includeAll needs the All option first');
    if (!isObj(v.current) || !Array.isArray(v.current.value)) p.add(where, 'current needs a value list');
  });
  return names;
}

/** Every problem found in one dashboard; empty when it is well formed. */
export function checkDashboard(file: string, d: unknown, ctx: ModelContext): string[] {
  const p = new Problems(file);
  if (!isObj(d)) return [`${file}: not a JSON object`];
  p.keys('dashboard', d, DASHBOARD_KEYS);
  if (typeof d.uid !== 'string' || !/^[a-zA-Z0-9_-]{1,40}$/.test(d.uid)) p.add('uid', 'must be 1–40 of [a-zA-Z0-9_-]');
  if (typeof d.title !== 'string' || !d.title) p.add('title', 'must be a non-empty string');
  if (!isInt(d.schemaVersion) || d.schemaVersion < 36) p.add('schemaVersion', 'must be an integer ≥ 36');
  if (!isInt(d.version)) p.add('version', 'must be an integer');
  if (!Array.isArray(d.tags) || !d.tags.every((t) => typeof t === 'string')) p.add('tags', 'must be strings');
  if (!isObj(d.time) || typeof d.time.from !== 'string' || typeof d.time.to !== 'string') p.add('time', 'needs from and to');
  if (!isObj(d.annotations) || !Array.isArray(d.annotations.list)) p.add('annotations', 'needs a list');
  const vars = checkVariables(p, d.templating);
  if (!Array.isArray(d.panels) || d.panels.length === 0) {
    p.add('panels', 'needs panels');
    return p.list;
  }
  const ids = new Set<number>();
  d.panels.forEach((panel, i) => checkPanel(p, `panel ${i}`, panel, ctx, vars, ids, false));
  overlaps(p, 'top level', d.panels as Json[]);
  return p.list;
}
