import type { ExpositionSample } from '@govrnanza/telemetry';
import { describe, expect, it } from 'vitest';
import { diffSamples, seriesKey } from './metricsDiff';
import { diffScrapes, type Scrape } from './metricsSource';
import { bucketsOf, meanMsOf, sumBy, sumOf } from './metricQuery';

const s = (name: string, labels: Record<string, string>, value: number): ExpositionSample => ({ name, labels, value });
const edge = { service: 'registry', downstream: 'profile', grpc_method: 'BatchGetProfiles' };

describe('diffSamples', () => {
  it('subtracts counters and histogram parts, keeps gauges, and counts new or reset series from 0', () => {
    const before = [
      s('grpc_client_handled_total', { ...edge, grpc_code: 'OK' }, 100),
      s('grpc_client_handling_seconds_bucket', { ...edge, le: '0.01' }, 90),
      s('grpc_client_handling_seconds_sum', edge, 0.5),
      s('govrnanza_circuit_breaker_state', { service: 'registry', downstream: 'profile' }, 0),
      s('govrnanza_client_retries_total', edge, 50),
    ];
    const after = [
      s('grpc_client_handled_total', { grpc_code: 'OK', ...edge }, 130),
      s('grpc_client_handled_total', { ...edge, grpc_code: 'Unavailable' }, 7),
      s('grpc_client_handling_seconds_bucket', { ...edge, le: '0.01' }, 110),
      s('grpc_client_handling_seconds_sum', edge, 0.75),
      s('govrnanza_circuit_breaker_state', { service: 'registry', downstream: 'profile' }, 2),
      s('govrnanza_client_retries_total', edge, 4),
    ];
    expect(diffSamples(before, after).map((x) => x.value)).toEqual([30, 7, 20, 0.25, 2, 4]);
    expect(seriesKey(after[0]!)).toBe(seriesKey(before[0]!));
  });

  it('diffs each service against itself, so unlabelled process metrics do not collide', () => {
    const scrape = (a: number, b: number): Scrape => ({
      byService: new Map([
        ['account', [s('process_cpu_seconds_total', {}, a)]],
        ['profile', [s('process_cpu_seconds_total', {}, b)]],
      ]),
      missing: [],
    });
    expect(diffScrapes(scrape(1, 10), scrape(3, 15)).map((x) => x.value)).toEqual([2, 5]);
  });
});

describe('metric queries', () => {
  const samples = [
    s('grpc_client_handled_total', { ...edge, grpc_code: 'OK' }, 30),
    s('grpc_client_handled_total', { ...edge, grpc_code: 'Unavailable' }, 10),
    s('grpc_client_handled_total', { ...edge, grpc_method: 'GetProfile', grpc_code: 'OK' }, 99),
    s('grpc_client_handling_seconds_bucket', { ...edge, le: '0.01' }, 20),
    s('grpc_client_handling_seconds_bucket', { ...edge, le: '+Inf' }, 40),
    s('grpc_client_handling_seconds_bucket', { ...edge, le: '0.1' }, 36),
    s('grpc_client_handling_seconds_sum', edge, 1.2),
    s('grpc_client_handling_seconds_count', edge, 40),
  ];

  it('sums by labels, splits by one, reads buckets in order and the exact mean', () => {
    expect(sumOf(samples, 'grpc_client_handled_total', edge)).toBe(40);
    expect(sumBy(samples, 'grpc_client_handled_total', edge, 'grpc_code')).toEqual({ OK: 30, Unavailable: 10 });
    expect(bucketsOf(samples, 'grpc_client_handling_seconds', edge)).toEqual([
      { le: 0.01, count: 20 },
      { le: 0.1, count: 36 },
      { le: Infinity, count: 40 },
    ]);
    expect(meanMsOf(samples, 'grpc_client_handling_seconds', edge)).toBeCloseTo(30, 9);
    expect(meanMsOf(samples, 'grpc_client_handling_seconds', { service: 'nobody' })).toBeUndefined();
  });
});
