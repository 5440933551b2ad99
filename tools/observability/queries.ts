/**
 * Every PromQL expression Govrnanza ships, ready to run against Prometheus:
 * each dashboard panel's targets (Grafana variables substituted), each
 * recording rule, and each alert's condition. The live test runs them all
 * against a Prometheus scraping the running services.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { METRICS, metricOfSeries } from './catalog';
import { metricNamesIn } from './metricNames';
import { DASHBOARDS_DIR, RULES_DIR } from './render';
import { REPO_ROOT } from './repoRoot';
import type { Dashboard, Panel, Variable } from './dashboards/grafana';
import type { Rule, RuleFile } from './ruleTypes';

export interface PromQuery {
  /** Where it comes from, e.g. `chain-cost.json › GET /v1/orgs/{org} › p99… › A`. */
  source: string;
  kind: 'panel' | 'recording' | 'alert';
  expr: string;
  /** Instant query (a bar gauge) rather than a range. */
  instant: boolean;
  /**
   * True when the expression reads a metric that appears only once something
   * went wrong (retries, fallbacks, breaker changes, injected faults): traffic
   * alone leaves its result empty.
   */
  needsFailures: boolean;
}

export interface QueryOptions {
  /** Value of `$__rate_interval`; default `1m`. */
  rateInterval?: string;
  /** Value of `$__interval`; default `15s`. */
  interval?: string;
  /** Value of `$__range`; default `5m`. */
  range?: string;
  /**
   * A multi-value variable becomes one regex of all its values (`regex`,
   * Grafana's "All"; the default) or one query per value (`each`).
   */
  multiValue?: 'regex' | 'each';
  /** Repository root holding deploy/; default: this repository. */
  root?: string;
}

const recordedOrDocumented = (name: string): boolean => name.includes(':') || metricOfSeries(name) !== undefined;

/** Whether the expression reads a metric documented as appearing only on failure. */
export function needsFailures(expr: string): boolean {
  return metricNamesIn(expr).some((n) => {
    const m = metricOfSeries(n);
    return m !== undefined && METRICS[m]?.onFailureOnly === true;
  });
}

/**
 * An alert's condition with every comparison made a `bool` one, so it returns
 * 0/1 for each series instead of only the firing ones: non-empty whenever its
 * inputs exist, which is what a live check can require.
 */
export function alertSignal(expr: string): string {
  const parts = expr.split(/("(?:[^"\\]|\\.)*")/);
  return parts
    .map((p, i) => (i % 2 ? p : p.replace(/(\s)(==|!=|>=|<=|>|<)(\s+)(?!bool\b)/g, '$1$2 bool$3')))
    .join('');
}

function variableValues(v: Variable): string[] {
  return v.options.map((o) => o.value).filter((x) => x !== '$__all');
}

/** Every assignment of the dashboard's variables to one substitution. */
function assignments(vars: Variable[], mode: 'regex' | 'each'): Array<Record<string, string>> {
  let out: Array<Record<string, string>> = [{}];
  for (const v of vars) {
    const values = variableValues(v);
    const choices = mode === 'each' ? values : [values.join('|')];
    out = out.flatMap((a) => choices.map((c) => ({ ...a, [v.name]: c })));
  }
  return out;
}

/** Replaces `$name`, `${name}` and `[[name]]` with their values; longest names first. */
export function substitute(expr: string, values: Record<string, string>): string {
  let out = expr;
  for (const name of Object.keys(values).sort((a, b) => b.length - a.length)) {
    const value = values[name]!;
    out = out.split(`\${${name}}`).join(value).split(`[[${name}]]`).join(value);
    out = out.replace(new RegExp(`\\$${name.replace(/[$]/g, '\\$')}(?![\\w])`, 'g'), () => value);
  }
  return out;
}

function panelsOf(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);
}

/** Every target of every panel of one dashboard, variables substituted. */
export function dashboardQueries(file: string, d: Dashboard, o: QueryOptions = {}): PromQuery[] {
  const builtins = { __rate_interval: o.rateInterval ?? '1m', __interval: o.interval ?? '15s', __range: o.range ?? '5m' };
  const out: PromQuery[] = [];
  for (const values of assignments(d.templating.list, o.multiValue ?? 'regex')) {
    for (const p of panelsOf(d.panels)) {
      for (const t of p.targets ?? []) {
        const expr = substitute(t.expr, { ...builtins, ...values });
        const suffix = Object.keys(values).length ? ` [${Object.entries(values).map(([k, v]) => `${k}=${v}`).join(', ')}]` : '';
        out.push({ source: `${file} › ${p.title} › ${t.refId}${suffix}`, kind: 'panel', expr, instant: t.instant, needsFailures: needsFailures(expr) });
      }
    }
  }
  return out;
}

/** Every recording rule's expression and every alert's {@link alertSignal}. */
export function ruleQueries(file: string, rules: RuleFile): PromQuery[] {
  return rules.groups.flatMap((g) =>
    g.rules.map((r: Rule): PromQuery => {
      const alert = 'alert' in r;
      const expr = alert ? alertSignal(r.expr) : r.expr;
      const name = alert ? r.alert : `${r.record}${r.labels ? ` ${JSON.stringify(r.labels)}` : ''}`;
      return { source: `${file} › ${g.name} › ${name}`, kind: alert ? 'alert' : 'recording', expr, instant: true, needsFailures: needsFailures(expr) };
    }),
  );
}

const listFiles = (dir: string, ext: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort();

/** The committed rule files, parsed: file name → content. */
export function loadRuleFiles(root = REPO_ROOT): Map<string, RuleFile> {
  const dir = join(root, RULES_DIR);
  return new Map(listFiles(dir, '.yml').map((f) => [f, parse(readFileSync(join(dir, f), 'utf8')) as RuleFile]));
}

/** The committed dashboards, parsed: file name → dashboard. */
export function loadDashboards(root = REPO_ROOT): Map<string, Dashboard> {
  const dir = join(root, DASHBOARDS_DIR);
  return new Map(listFiles(dir, '.json').map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Dashboard]));
}

/** Every expression in the committed dashboards and rule files. */
export function allQueries(o: QueryOptions = {}): PromQuery[] {
  const root = o.root ?? REPO_ROOT;
  return [
    ...[...loadDashboards(root)].flatMap(([f, d]) => dashboardQueries(f, d, o)),
    ...[...loadRuleFiles(root)].flatMap(([f, r]) => ruleQueries(f, r)),
  ];
}

/** Names an expression reads that are neither documented metrics nor recorded series. */
export function unknownMetricNames(expr: string): string[] {
  return metricNamesIn(expr).filter((n) => !recordedOrDocumented(n));
}
