import { describe, expect, it } from 'vitest';
import { METRICS, metricOfSeries } from '../../tools/observability/catalog';
import { metricNamesIn } from '../../tools/observability/metricNames';
import { alertSignal, allQueries, loadRuleFiles, substitute, unknownMetricNames } from '../../tools/observability/queries';

const queries = allQueries();
const recorded = new Set(
  [...loadRuleFiles().values()].flatMap((f) => f.groups.flatMap((g) => g.rules.flatMap((r) => ('record' in r ? [r.record] : [])))),
);

describe('metricNamesIn', () => {
  it('finds selected metrics, not functions, labels, keywords or durations', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (service, le) (rate(a_seconds_bucket{service=~"x|y",route="/v1/{org}"}[$__rate_interval] offset 1m))) / on () group_left (route) b:c:rate5m > bool 1e-3 and vector(1)',
      ),
    ).toEqual(['a_seconds_bucket', 'b:c:rate5m']);
  });
});

describe('queries', () => {
  it('cover every panel target and every rule', () => {
    const rules = [...loadRuleFiles().values()].flatMap((f) => f.groups.flatMap((g) => g.rules));
    expect(queries.filter((q) => q.kind === 'panel').length).toBeGreaterThan(100);
    expect(queries.filter((q) => q.kind === 'recording').length).toBe(rules.filter((r) => 'record' in r).length);
    expect(queries.filter((q) => q.kind === 'alert').length).toBe(rules.filter((r) => 'alert' in r).length);
  });

  it('substitute every Grafana variable', () => {
    for (const q of queries) expect(q.expr, q.source).not.toMatch(/\$|\[\[/);
  });

  it('substitute multi-value variables with a regex or with each value', () => {
    expect(substitute('x{service=~"$service"}[$__rate_interval] ${service}', { service: 'a|b', __rate_interval: '1m' })).toBe('x{service=~"a|b"}[1m] a|b');
    const each = allQueries({ multiValue: 'each' }).filter((q) => q.source.startsWith('service-red.json'));
    expect(each.some((q) => q.expr.includes('service=~"billing"'))).toBe(true);
  });

  it('turn alert conditions into bool comparisons, leaving strings alone', () => {
    expect(alertSignal('a{x!="1 > 2"} > 2 and b == bool 1')).toBe('a{x!="1 > 2"} > bool 2 and b == bool 1');
  });
});

describe('every metric name in rules and dashboards', () => {
  it('is a documented metric or a recorded series', () => {
    const bad = queries.flatMap((q) => unknownMetricNames(q.expr).map((n) => `${n} in ${q.source}`));
    expect(bad).toEqual([]);
  });

  it('is recorded by a rule when it is a recorded series', () => {
    const bad = queries.flatMap((q) => metricNamesIn(q.expr).filter((n) => n.includes(':') && !recorded.has(n)).map((n) => `${n} in ${q.source}`));
    expect(bad).toEqual([]);
  });

  it('uses only the labels its metric has', () => {
    const bad: string[] = [];
    for (const q of queries) {
      for (const m of q.expr.matchAll(/\b([a-z_]+)\{([^}]*)\}/g)) {
        const metric = metricOfSeries(m[1]!);
        if (!metric) continue;
        const allowed = [...METRICS[metric]!.labels, 'le', 'job', 'instance'];
        for (const [, label] of m[2]!.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)) if (!allowed.includes(label!)) bad.push(`${label} on ${m[1]} in ${q.source}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('leaves no documented metric unused', () => {
    const used = new Set(queries.flatMap((q) => metricNamesIn(q.expr).map((n) => metricOfSeries(n))));
    // For unary RPCs the message counters equal started/handled, which the dashboards use.
    const unaryDuplicates = ['grpc_server_msg_received_total', 'grpc_server_msg_sent_total'];
    expect(Object.keys(METRICS).filter((m) => !used.has(m) && !unaryDuplicates.includes(m))).toEqual([]);
  });
});
