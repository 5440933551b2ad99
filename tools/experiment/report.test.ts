import { describe, expect, it } from 'vitest';
import { chartInputOf } from './chartData';
import { logScale, renderChart } from './chart';
import { evaluateHypothesis, percent } from './hypothesis';
import { relativeError } from './markdown';
import { renderReport } from './report';
import { sampleResult } from './sampleResult';

describe('renderReport', () => {
  const md = renderReport(sampleResult());

  it('says what ran, the verdict per variant, and embeds the chart', () => {
    expect(md).toMatch(/^# Profile slow <demo>\n\nWhat this shows\.\n/);
    expect(md).toContain('**PASS**');
    expect(md).toContain('| code | RESILIENCE=code | holds | holds | holds | holds | ✅ as expected |');
    expect(md).toContain('![Latency quantiles and availability per variant under the fault](chart.svg)');
    expect(md).toContain('- getApi: availability ≥ 99.9 %, p99 ≤ 1000 ms');
    expect(md).toContain('- profile BatchGetProfiles: latency p50 250 ms, p90 1200 ms, p99 3000 ms, p99.9 5000 ms on 100 % of calls');
  });

  it('puts observed figures, predictions with relative errors, dependencies\' load and the assumptions in tables', () => {
    expect(md).toContain('| code | getApi | 800 | 100 % | 55 % | 290 | 620 | 872 | 990 | 990 | 200×800 |');
    expect(md).toContain('| code | getApi | p99 ms | 900 | 872 | +3.2 % |');
    expect(md).toContain('| code | 1 | 1.19 | 1 | 0 |');
    expect(md).toContain('| code | registry->profile.BatchGetProfiles | 40 | 1.19 | 40 % | 300 | 12 | 0 % |');
    expect(md).toContain('| code | getApi | registry->profile.BatchGetProfiles | attempts | 958 | 100 % | 165 | 0 % | 50 % | 300 ms | 3 |');
    expect(md).toMatch(/## Assumptions\n\nModel assumptions:\n\n- one\n- two\n$/);
  });
});

describe('renderChart', () => {
  const svg = renderChart(chartInputOf(sampleResult()));

  it('is one self-contained SVG document with escaped text', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Profile slow &lt;demo&gt;');
    expect(svg).not.toMatch(/<demo>/);
    for (const tag of ['rect', 'text', 'line', 'path', 'title']) {
      const count = (re: string): number => (svg.match(new RegExp(re, 'g')) ?? []).length;
      // Every element opened is closed, by itself (<x/>) or by a closing tag.
      expect(count(`<${tag}\\b`), tag).toBe(count(`<${tag}\\b[^>]*/>`) + count(`</${tag}>`));
    }
  });

  it('draws four quantile bars per variant, a diamond per prediction, the limits and the availability split', () => {
    expect(svg.match(/<title>(code|none) p(50|90|99|99\.9): /g)).toHaveLength(8);
    expect(svg.match(/<path d="M/g)!.length).toBe(1 + 2 * 4 + 2); // legend, latency predictions, availability predictions
    expect(svg).toContain('p99 ≤ 1000 ms');
    expect(svg).toContain('code: degraded 55 %');
    expect(svg).toContain('none: ok 100 %');
  });

  it('spaces a log scale with 1-2-5 ticks around the values', () => {
    const s = logScale([3, 870, 5200], 400, 100);
    expect(s.ticks).toEqual([2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]);
    expect(s.y(2)).toBeCloseTo(400, 6);
    expect(s.y(100)).toBeGreaterThan(s.y(1000));
  });
});

describe('evaluateHypothesis', () => {
  const obs = {
    routes: { getApi: { availability: 0.9985, latencyMs: { p50: 10, p90: 20, p99: 310, p999: 900 }, completed: 100 } },
    attemptsPerRequest: { profile: 1.75 },
  };

  it('holds only when every probe does, and says what each saw', () => {
    const r = evaluateHypothesis(
      [
        { kind: 'route', route: 'getApi', availability: 0.999, latencyMs: { p90: 50, p99: 300 } },
        { kind: 'service', service: 'profile', maxAttemptsPerRequest: 1.3 },
        { kind: 'service', service: 'account', maxAttemptsPerRequest: 2 },
      ],
      obs,
    );
    expect(r.holds).toBe(false);
    expect(r.results.map((x) => [x.subject, x.expected, x.observed, x.holds])).toEqual([
      ['getApi availability', '≥ 99.9 %', '99.85 %', false],
      ['getApi p90', '≤ 50 ms', '20 ms', true],
      ['getApi p99', '≤ 300 ms', '310 ms', false],
      ['profile attempts per request', '≤ 1.3', '1.75', false],
      ['account attempts per request', '≤ 2', 'not measured (no metrics)', false],
    ]);
  });

  it('formats percentages and relative errors for people', () => {
    expect([percent(1), percent(0.999), percent(0.99995), percent(0.723), percent(0)]).toEqual(['100 %', '99.9 %', '99.995 %', '72.3 %', '0 %']);
    expect([relativeError(0.1234), relativeError(-0.034), relativeError(0), relativeError(null)]).toEqual(['+12 %', '−3.4 %', '0 %', 'n/a']);
  });
});
