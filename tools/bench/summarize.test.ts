import { describe, expect, it } from 'vitest';
import { benchMarkdown } from './benchMarkdown';
import type { BenchResult, PathRun } from './benchResult';
import type { ConfigName } from './configs';
import { seriesOf } from './soak';
import { checkTargets, stat, summarize, summarizeIdle } from './summarize';

function run(config: ConfigName, round: number, throughput: number, p50: number, serverCpuMs: number, openServerCpuMs = serverCpuMs): PathRun {
  const report = (latency: number) =>
    ({
      mode: 'closed',
      throughput,
      rateAchieved: throughput,
      requests: { sent: 1000, completed: 1000, ok: 1000, failed: 0, missed: 0 },
      latencyMs: { count: 1000, min: 0, mean: latency, p50: latency, p90: latency, p99: latency * 2, p999: latency * 3, max: latency * 4 },
      fellBehind: false,
      fellBehindReasons: [],
    }) as unknown as PathRun['closed']['report'];
  const cost = {
    wallMs: 1000,
    serverCpuMs: { account: serverCpuMs },
    generatorCpuMs: 100,
    benchCpuMs: 1,
    foreignCpuMs: 0,
    rssMaxBytes: { account: 100 * 2 ** 20 },
    logLines: { account: 0 },
    sink: { requests: 0, bytes: 0 },
  };
  return { round, config, path: 'three-hop', attempts: 1, closed: { report: report(p50), cost }, open: { report: report(p50), cost: { ...cost, serverCpuMs: { account: openServerCpuMs } } } };
}

describe('summaries', () => {
  it('takes the median and range, odd and even', () => {
    expect(stat([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(stat([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
    expect(stat([])).toEqual({ median: 0, min: 0, max: 0, n: 0 });
  });

  it('pairs each round with bare of the same round', () => {
    const runs = [run('bare', 1, 1000, 1, 100), run('tracing-1pct', 1, 900, 1.2, 120), run('bare', 2, 2000, 1, 200), run('tracing-1pct', 2, 1000, 1.0, 250)];
    const s = summarize(runs, 'tracing-1pct', 'three-hop')!;
    // Round 1: 0.9, round 2: 0.5 → median 0.7, whatever the drift between rounds.
    expect(s.ratios!.throughput).toEqual({ median: 0.7, min: 0.5, max: 0.9, n: 2 });
    expect(s.ratios!.openP50.median).toBeCloseTo(1.1);
    // 120 ms / 1000 requests = 120 µs; bare 100 µs → 1.2; round 2: 250/200 = 1.25.
    expect(s.ratios!.serverCpu.median).toBeCloseTo(1.225);
    // Capacity is the inverse: requests per CPU second relative to bare.
    expect(s.ratios!.capacity.median).toBeCloseTo((100 / 120 + 200 / 250) / 2);
    expect(s.rssMiB.account!.median).toBe(100);
    expect(summarize(runs, 'bare', 'three-hop')!.ratios).toBeUndefined();
  });

  it('also compares server CPU per request at the fixed open-loop rate, paired by round', () => {
    const runs = [run('bare', 1, 1000, 1, 100, 180), run('metrics', 1, 600, 1, 160, 225), run('bare', 2, 1000, 1, 100, 200), run('metrics', 2, 600, 1, 160, 200)];
    const s = summarize(runs, 'metrics', 'three-hop')!;
    expect(s.openServerCpuUsPerRequest!.median).toBeCloseTo(212.5);
    // Round 1: 180/225 = 0.8, round 2: 1 → 0.9; at saturation 100/160 in both.
    expect(s.ratios!.openCapacity!.median).toBeCloseTo(0.9);
    expect(s.ratios!.capacity.median).toBeCloseTo(0.625);
  });

  it("keeps each process's CPU per request and cores at saturation, and tables them against bare", () => {
    const twoProcesses = (r: PathRun, account: number, registry: number): PathRun => ({
      ...r,
      path: 'three-hop',
      closed: {
        ...r.closed,
        cost: {
          ...r.closed.cost,
          // gateway runs too, off the three-hop path: idle, and left out of the table.
          serverCpuMs: { account, registry, gateway: 0 },
          rssMaxBytes: { account: 1, registry: 1, gateway: 1 },
          // Main threads over the 1000 ms run: running and waiting for a core.
          mainThreadMs: { account: { running: account * 0.9, waiting: 20 }, registry: { running: registry * 0.9, waiting: 150 } },
        },
      },
      // At the fixed rate every process spends twice as much per request as at saturation.
      open: { ...r.open, cost: { ...r.open.cost, serverCpuMs: { account: 2 * account, registry: 2 * registry } } },
    });
    const runs = [twoProcesses(run('bare', 1, 1000, 1, 0), 100, 400), twoProcesses(run('metrics', 1, 800, 1, 0), 110, 600)];
    const bare = summarize(runs, 'bare', 'three-hop')!;
    const metrics = summarize(runs, 'metrics', 'three-hop')!;
    // 600 ms of CPU over 1000 requests in a 1000 ms run: 600 µs/req, 0.6 cores.
    expect(metrics.processCpu.registry!.usPerRequest.median).toBeCloseTo(600);
    expect(metrics.processCpu.registry!.cores.median).toBeCloseTo(0.6);
    expect(bare.processCpu.account!.usPerRequest.median).toBeCloseTo(100);
    expect(metrics.processCpu.registry!.mainThread!.running.median).toBeCloseTo(0.54);
    expect(metrics.processCpu.registry!.mainThread!.waiting.median).toBeCloseTo(0.15);
    const result = {
      startedAt: '2026-01-01T00:00:00Z',
      command: 'npm run bench',
      machine: { cpus: 2, cpuModel: 'cpu', memoryGiB: 1, os: 'os', node: 'v20' },
      loadAverageAtStart: [0, 0, 0],
      loadAverageAtEnd: [0, 0, 0],
      settings: { rounds: 1, warmupMs: 0, durationMs: 1000, concurrency: 1, rateFraction: 0.25, configs: ['bare', 'metrics'], paths: ['three-hop'] },
      rates: { 'three-hop': { rate: 100 } },
      quiet: [],
      sessions: [],
      runs,
      summaries: [bare, metrics],
      targets: [],
    } as unknown as BenchResult;
    const md = benchMarkdown(result);
    expect(md).toContain('| configuration | account | registry |');
    const byProcess = md.slice(md.indexOf('By process at saturation'), md.indexOf('#### RSS'));
    expect(byProcess).not.toContain('gateway');
    expect(md).not.toContain('NaN');
    expect(md).toContain('| stack, resilience + metrics | 110 (1.10×), 0.11; 10 % / 2 % | 600 (1.50×), 0.60; 54 % / 15 % |');
    expect(md).toContain('| bare grpc-js | 100, 0.10; 9 % / 2 % | 400, 0.40; 36 % / 15 % |');
    expect(metrics.processCpu.registry!.openUsPerRequest.median).toBeCloseTo(1200);
    const fixedRate = md.slice(md.indexOf('By process at the fixed rate'));
    expect(fixedRate).toContain('| bare grpc-js | 200 | 800 |');
    expect(fixedRate).toContain('| stack, resilience + metrics | 220 (1.10×) | 1200 (1.50×) |');
  });

  it('summarizes and renders each configuration\'s background CPU per process over rounds', () => {
    const sessions = [
      { round: 1, config: 'bare', sink: { requests: 0, bytes: 0 }, idleCpuMsPerSecond: { account: 2, registry: 3 } },
      { round: 1, config: 'metrics', sink: { requests: 0, bytes: 0 }, idleCpuMsPerSecond: { account: 5, registry: 9 } },
      { round: 2, config: 'bare', sink: { requests: 0, bytes: 0 }, idleCpuMsPerSecond: { account: 4, registry: 1 } },
      // Measured with --idle 0, or where the kernel keeps no scheduler statistics.
      { round: 2, config: 'metrics', sink: { requests: 0, bytes: 0 } },
      { round: 1, config: 'tracing-1pct', sink: { requests: 0, bytes: 0 } },
    ] as BenchResult['sessions'];
    const idle = summarizeIdle(sessions, ['bare', 'metrics', 'tracing-1pct']);
    expect(idle.map((i) => i.config)).toEqual(['bare', 'metrics']);
    expect(idle[0]!.byService.account).toEqual({ median: 3, min: 2, max: 4, n: 2 });
    expect(idle[1]!.byService.registry).toEqual({ median: 9, min: 9, max: 9, n: 1 });
    const md = benchMarkdown({
      startedAt: '2026-01-01T00:00:00Z',
      machine: { cpus: 2, cpuModel: 'x', node: 'v20', os: 'Linux', memoryGiB: 1 },
      loadAverageAtStart: [0, 0, 0],
      loadAverageAtEnd: [0, 0, 0],
      command: 'npm run bench',
      settings: { rounds: 2, warmupMs: 0, durationMs: 1000, concurrency: 1, rateFraction: 0.25, configs: ['bare', 'metrics'], paths: [] },
      rates: { 'three-hop': { rate: 250 } },
      quiet: [],
      sessions,
      runs: [],
      summaries: [],
      idle,
      targets: [],
    } as unknown as BenchResult);
    expect(md).toContain('#### Background CPU with no load (ms of CPU per second)');
    expect(md).toContain("1 ms/s is 4 µs at three-hop's 250 req/s");
    expect(md).toContain('| configuration | account | registry |');
    expect(md).toContain('| bare grpc-js | 3.0 (2.0–4.0) | 2.0 (1.0–3.0) |');
    expect(md).toContain('| stack, resilience + metrics | 5.0 | 9.0 |');
    // Nothing measured: no table.
    expect(benchMarkdown({ ...JSON.parse('{}'), machine: { cpus: 2, cpuModel: 'x', node: 'v20', os: 'Linux', memoryGiB: 1 }, startedAt: '2026-01-01T00:00:00Z', loadAverageAtStart: [0, 0, 0], loadAverageAtEnd: [0, 0, 0], settings: { rounds: 1, warmupMs: 0, durationMs: 1, concurrency: 1, rateFraction: 0.25, configs: [], paths: [] }, rates: {}, quiet: [], runs: [], summaries: [], targets: [] })).not.toContain('Background CPU');
  });

  it('checks the targets it measured and says which it did not', () => {
    const runs = [run('bare', 1, 1000, 1, 100), run('tracing-1pct', 1, 950, 1.05, 110)];
    const checks = checkTargets([summarize(runs, 'bare', 'three-hop')!, summarize(runs, 'tracing-1pct', 'three-hop')!]);
    expect(checks.find((c) => c.name === 'three-hop throughput, tracing 1 %')).toMatchObject({ value: 0.95, met: true });
    expect(checks.find((c) => c.name === 'three-hop p50, tracing 1 %')?.met).toBe(true);
    expect(checks.find((c) => c.name === 'three-hop throughput, tracing 100 %')?.met).toBeUndefined();
  });

  it('measures RSS growth after the warm-up only, on the floor under the garbage-collection saw-tooth', () => {
    // 60 s of warm-up growth, then a saw-tooth of ±20 MiB over a floor rising 0.1 MiB per sample.
    const samples: [number, number][] = Array.from({ length: 60 }, (_, i) => [i * 10, i < 6 ? 50 + i * 10 : 100 + (i - 6) * 0.1 + (i % 3) * 20]);
    const s = seriesOf('account', samples, 60);
    expect(s.afterWarmupMiB).toBeCloseTo(100, 1);
    // Last fifth: samples 49..59, lowest at i = 51 (51 % 3 = 0): 100 + 4.5.
    expect(s.finalMiB).toBeCloseTo(104.5, 1);
    expect(s.growthPct).toBeCloseTo(4.5, 1);
  });
});
