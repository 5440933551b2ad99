import { describe, expect, it } from 'vitest';
import { compareWithObserved, observedFromLoadReport } from './compareWithObserved';
import type { Prediction } from './predictTree';

const prediction: Prediction = {
  name: 'getApi',
  availability: 0.99,
  availabilityMethod: 'closed-form',
  monteCarloAvailability: 0.9901,
  monteCarloStdError: 0.0003,
  latencyMs: { p50: 10, p90: 20, p99: 50, p999: 120, mean: 12 },
  latencyOf: 'all',
  trials: 100_000,
  seed: 1,
  unmeasuredEdges: [],
};

describe('compareWithObserved', () => {
  it('gives the signed relative error of each metric, downtime included', () => {
    const rows = compareWithObserved(prediction, { availability: 0.995, p50: 8, p99: 50, p999: 0 });
    const byMetric = Object.fromEntries(rows.map((r) => [r.metric, r]));
    expect(byMetric.availability!.relativeError).toBeCloseTo(-0.005 / 0.995, 12);
    expect(byMetric.unavailability!.relativeError).toBeCloseTo(1, 9);
    expect(byMetric.p50!.relativeError).toBeCloseTo(0.25, 12);
    expect(byMetric.p99!.relativeError).toBe(0);
    expect(byMetric.p999!.relativeError).toBeNull();
    expect(byMetric.p90).toBeUndefined();
  });

  it('reads the observed figures of a load report', () => {
    const observed = observedFromLoadReport({ successRatio: 0.98, latencyMs: { p50: 1, p90: 2, p99: 3, p999: 4 } });
    expect(observed).toEqual({ availability: 0.98, p50: 1, p90: 2, p99: 3, p999: 4 });
  });
});
