import type { ExpositionSample } from '@govrnanza/telemetry';
import { describe, expect, it } from 'vitest';
import { attemptLatency } from './attemptLatency';
import { measureEdge, retryBudgetShare } from './edgeMeasurement';
import { attemptsPerRequestOf, degradedByRoute, pressureOf } from './windowFigures';

const s = (name: string, labels: Record<string, string>, value: number): ExpositionSample => ({ name, labels, value });
const edge = { service: 'registry', downstream: 'account', grpc_method: 'GetOrganization' };

/** A window where an open breaker refused most calls: 100 logical calls, 12 attempts (2 of them retries). */
const window = [
  s('grpc_client_handled_total', { ...edge, grpc_code: 'DeadlineExceeded' }, 12),
  s('grpc_client_handling_seconds_bucket', { ...edge, le: '0.25' }, 0),
  s('grpc_client_handling_seconds_bucket', { ...edge, le: '0.5' }, 12),
  s('grpc_client_handling_seconds_bucket', { ...edge, le: '+Inf' }, 12),
  s('grpc_client_handling_seconds_sum', edge, 3.6),
  s('grpc_client_handling_seconds_count', edge, 12),
  s('govrnanza_client_calls_total', { ...edge, grpc_code: 'Unavailable' }, 90),
  s('govrnanza_client_calls_total', { ...edge, grpc_code: 'DeadlineExceeded' }, 10),
  s('govrnanza_client_call_seconds_sum', edge, 3.7),
  s('govrnanza_client_call_seconds_count', edge, 100),
  s('govrnanza_client_retries_total', edge, 2),
  s('govrnanza_retry_budget_exhausted_total', { service: 'registry', downstream: 'account' }, 6),
  s('grpc_server_started_total', { service: 'account', grpc_method: 'GetOrganization' }, 12),
  s('govrnanza_fallbacks_total', { service: 'registry', downstream: 'account', part: 'org_status', reason: 'circuit_open' }, 100),
];

describe('measureEdge', () => {
  it('reads attempts and logical calls, and derives the calls refused before any attempt', () => {
    const m = measureEdge(window, 'registry', 'account', 'GetOrganization');
    expect(m).toMatchObject({ key: 'registry->account.GetOrganization', attempts: 12, calls: 100, retries: 2, refused: 90 });
    expect(m.attemptCodes).toEqual({ DeadlineExceeded: 12 });
    expect(m.attemptMeanMs).toBeCloseTo(300, 9);
    expect(retryBudgetShare(window, 'registry', 'account')).toBeCloseTo(0.25, 12);
    expect(retryBudgetShare([], 'registry', 'account')).toBe(1);
  });

  it('gives each edge its pressure, each service its attempts per request, each route its degraded share', () => {
    const m = measureEdge(window, 'registry', 'account', 'GetOrganization');
    const [p] = pressureOf(new Map([[m.key, m]]), 10_000);
    expect(p).toMatchObject({ callsPerSecond: 10, attemptsPerCall: 0.12, callSuccess: 0, refused: 0.9 });
    expect(p!.inFlight).toBeCloseTo(0.37, 9);
    expect(attemptsPerRequestOf(window, 100)).toEqual({ account: 0.12, profile: 0, registry: 0, billing: 0 });
    // getOrg does not pass through registry: registry's fallbacks are getApi's alone.
    expect(degradedByRoute(window, { getApi: 100, getOrg: 100 })).toEqual({ getApi: 1, getOrg: 0 });
  });
});

describe('attemptLatency', () => {
  const buckets = [
    { le: 0.01, count: 50 },
    { le: 0.1, count: 70 },
    { le: 0.25, count: 80 },
    { le: 0.5, count: 100 },
    { le: Infinity, count: 100 },
  ];

  it('without a timeout, reads the buckets as they are', () => {
    expect(attemptLatency(buckets, 20, undefined)!.cdf(10)).toBeCloseTo(0.5, 12);
    expect(attemptLatency([], 0, undefined)).toBeUndefined();
  });

  it('puts the attempts the timeout cut just past it, so the model times them out again', () => {
    const d = attemptLatency(buckets, 20, 300)!;
    expect(d.cdf(250)).toBeCloseTo(0.8, 12);
    expect(d.cdf(300)).toBeCloseTo(0.8, 12);
    expect(d.cdf(301)).toBe(1);
    expect(d.quantile(0.9)).toBeGreaterThan(300);
    // More cut than fit above the lower buckets: the slowest ones are the cut ones.
    expect(attemptLatency(buckets, 40, 300)!.cdf(200)).toBeCloseTo(0.6, 12);
  });
});
