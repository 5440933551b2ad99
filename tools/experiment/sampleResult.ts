import type { LoadReport } from '@govrnanza/loadgen';
import type { ExperimentResult, PhaseResult, VariantResult } from './resultTypes';

/** A load report with the given success ratio and latency quantiles (ms), for tests of reports and charts. */
export function sampleReport(successRatio: number, l: { p50: number; p90: number; p99: number; p999: number }, completed = 800): LoadReport {
  const ok = Math.round(completed * successRatio);
  return {
    mode: 'open',
    target: 'GET http://127.0.0.1:1/v1/orgs/o/apis/a',
    startedAt: '2025-01-01T00:00:00.000Z',
    arrival: 'poisson',
    rateAsked: 40,
    rateAchieved: 40,
    throughput: 40,
    durationMs: 20_000,
    sendWindowMs: 20_000,
    requests: { intended: completed, sent: completed, completed, ok, failed: completed - ok, missed: 0 },
    successRatio,
    codes: { '200': ok, ...(completed > ok ? { '503': completed - ok } : {}) },
    latencyMs: { count: completed, min: 1, mean: l.p50, ...l, max: l.p999 },
    fellBehind: false,
    fellBehindReasons: [],
    latencyHistogram: '',
  };
}

function variant(name: string, expect: 'holds' | 'breaks', passed: boolean, during: PhaseResult): VariantResult {
  const steady = (phase: 'before' | 'after'): PhaseResult => ({
    phase,
    durationMs: 4000,
    routes: [{ route: 'getApi', path: '/v1/orgs/o/apis/a', rate: 40, report: sampleReport(1, { p50: 4, p90: 8, p99: 20, p999: 40 }, 160) }],
    probes: [{ subject: 'getApi p99', expected: '≤ 1000 ms', observed: '20 ms', holds: true }],
    holds: true,
  });
  return {
    name,
    env: { RESILIENCE: name },
    expect,
    phases: [steady('before'), during, steady('after')],
    verdict: passed ? 'as-expected' : 'broke-unexpectedly',
    verdictText: passed ? 'as expected' : 'the hypothesis broke under the fault, although it was expected to hold',
    passed,
    predictions: [
      {
        route: 'getApi',
        prediction: {
          name: 'getApi',
          availability: 0.999,
          availabilityMethod: 'monte-carlo',
          monteCarloAvailability: 0.999,
          monteCarloStdError: 0.0001,
          latencyMs: { p50: 280, p90: 600, p99: 900, p999: 980, mean: 320 },
          latencyOf: 'all',
          trials: 100_000,
          seed: 1,
          unmeasuredEdges: [],
        },
        comparisons: [
          { metric: 'availability', predicted: 0.999, observed: 1, relativeError: -0.001 },
          { metric: 'p99', predicted: 900, observed: 872, relativeError: 28 / 872 },
        ],
        edges: [{ key: 'registry->profile.BatchGetProfiles', source: 'attempts', attempts: 958, calls: 802, successRatio: 1, meanMs: 165, refusedRatio: 0, budgetShare: 0.5, timeoutMs: 300, maxAttempts: 3 }],
        tail: [],
      },
    ],
    pressure: [{ key: 'registry->profile.BatchGetProfiles', callsPerSecond: 40, attemptsPerCall: 1.19, callSuccess: 0.4, meanCallMs: 300, inFlight: 12, refused: 0 }],
    notes: [],
  };
}

/** A two-variant result, as runExperiment returns it, for tests of reports and charts. */
export function sampleResult(): ExperimentResult {
  const during = (successRatio: number, l: { p50: number; p90: number; p99: number; p999: number }, degraded: number): PhaseResult => ({
    phase: 'during',
    durationMs: 20_000,
    routes: [{ route: 'getApi', path: '/v1/orgs/o/apis/a', rate: 40, report: sampleReport(successRatio, l), degraded }],
    probes: [{ subject: 'getApi p99', expected: '≤ 1000 ms', observed: `${l.p99} ms`, holds: l.p99 <= 1000 }],
    holds: l.p99 <= 1000,
    attemptsPerRequest: { account: 1, profile: 1.19, registry: 1, billing: 0 },
  });
  return {
    experiment: {
      name: 'profile-slow',
      title: 'Profile slow <demo>',
      description: 'What this shows.',
      source: 'experiments/profile-slow.yaml',
      hypothesis: [{ kind: 'route', route: 'getApi', availability: 0.999, latencyMs: { p99: 1000 } }],
      faults: [{ service: 'profile', method: 'BatchGetProfiles', latency: { p50: 250, p90: 1200, p99: 3000, p999: 5000 } }],
      load: { routes: [{ route: 'getApi', rate: 40, tailThresholdsMs: [] }], arrival: 'poisson', warmupMs: 3000, durationMs: 20_000, timeoutMs: 15_000 },
      check: { durationMs: 4000, recoveryMs: 2000 },
    },
    command: 'npm run experiment -- profile-slow',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:02:00.000Z',
    backend: 'local',
    system: 'started',
    machine: { cpus: 2, loadAverage1m: [1.5, 2], node: 'v20.0.0' },
    variants: [
      variant('code', 'holds', true, during(1, { p50: 290, p90: 620, p99: 872, p999: 990 }, 0.55)),
      variant('none', 'breaks', true, during(1, { p50: 250, p90: 1200, p99: 3100, p999: 5200 }, 0)),
    ],
    passed: true,
    assumptions: ['Model assumptions:\n- one\n- two'],
  };
}
