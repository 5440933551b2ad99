import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from './parsePrometheusText';

describe('parsePrometheusText', () => {
  it('reads names, labels and values, skipping comments and # EOF', () => {
    const text = [
      '# HELP up Whether up.',
      '# TYPE up gauge',
      'up 1',
      'x_bucket{le="+Inf",service="a"} 3',
      'x_sum{service="a"} 1.5e-3',
      'nan_metric NaN',
      '# EOF',
      '',
    ].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      { name: 'up', labels: {}, value: 1 },
      { name: 'x_bucket', labels: { le: '+Inf', service: 'a' }, value: 3 },
      { name: 'x_sum', labels: { service: 'a' }, value: 0.0015 },
      { name: 'nan_metric', labels: {}, value: NaN },
    ]);
  });

  it('unescapes label values and keeps characters that look like syntax', () => {
    const [sample] = parsePrometheusText('m{route="/v1/orgs/{org}",q="a \\"b\\" # {c}",nl="x\\ny",bs="\\\\"} 2\n');
    expect(sample?.labels).toEqual({ route: '/v1/orgs/{org}', q: 'a "b" # {c}', nl: 'x\ny', bs: '\\' });
    expect(sample?.value).toBe(2);
  });

  it('reads an OpenMetrics exemplar', () => {
    const [sample] = parsePrometheusText('h_bucket{le="0.05"} 1 # {trace_id="abc"} 0.03 1700000000.5\n');
    expect(sample).toEqual({ name: 'h_bucket', labels: { le: '0.05' }, value: 1, exemplar: { labels: { trace_id: 'abc' }, value: 0.03 } });
  });

  it('rejects a line that is not a sample', () => {
    expect(() => parsePrometheusText('garbage\n')).toThrow(/not a sample line/);
    expect(() => parsePrometheusText('m{a="1"} x\n')).toThrow(/not a sample value/);
  });
});
