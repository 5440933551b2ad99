import { performance } from 'node:perf_hooks';
import type { BenchResult, SoakResult, SoakSeries } from './benchResult';
import type { ConfigName } from './configs';
import type { LoadSummary } from './loadJob';
import { pathNamed, type PathName } from './paths';
import { machineCpuMs, processCpuMs, processRssBytes } from './procStats';
import { startWithData, TIMEOUT_MS, type BenchEnv } from './benchSession';
import { stat } from './summarize';

const MiB = 1024 * 1024;

/**
 * Soak: one configuration under open-loop load on every selected path at
 * once (each at its rate divided by the number of paths, so the sum stays
 * below saturation) for `soakMs`, sampling each process's RSS. RSS saw-tooths
 * with garbage collection, so growth compares floors: the lowest RSS of the
 * first fifth after a warm-up (a fifth of the run, at most 5 minutes) with the
 * lowest of the last fifth. `--soak-warmup` sets the warm-up: a heap that
 * grows to its working size in the first minutes is not a leak, and a soak
 * long enough to judge five minutes after it says so.
 */
export async function runSoak(env: BenchEnv, config: ConfigName, rates: BenchResult['rates']): Promise<SoakResult> {
  const { options, log } = env;
  const durationMs = options.soakMs;
  const warmupMs = options.soakWarmupMs ?? Math.min(300_000, durationMs / 5);
  const everyMs = Math.min(10_000, Math.max(1_000, durationMs / 120));
  const { system, ids } = await startWithData(env, config);
  const soakRates: Partial<Record<PathName, number>> = {};
  for (const p of options.paths) soakRates[p] = Math.max(1, Math.round(rates[p]!.rate / options.paths.length));
  log(`soak: ${config} for ${Math.round(durationMs / 1000)} s at ${options.paths.map((p) => `${p} ${soakRates[p]} req/s`).join(', ')}`);
  const samples = new Map(system.processes.map((p) => [p, [] as [number, number][]]));
  const started = performance.now();
  // Other work on the machine, per sample interval: busy CPU minus the bench's own processes.
  const ourPids = [...system.processes.map((p) => p.pid), env.generator.pid, process.pid];
  const ourCpu = (): number => ourPids.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0);
  const foreign: number[] = [];
  let last = { at: performance.now(), machine: machineCpuMs().busy, ours: ourCpu() };
  const sample = (): void => {
    const now = performance.now();
    const t = (now - started) / 1000;
    for (const [p, s] of samples) s.push([Math.round(t * 10) / 10, (processRssBytes(p.pid) ?? 0) / MiB]);
    const next = { at: now, machine: machineCpuMs().busy, ours: ourCpu() };
    if (now > last.at) foreign.push(Math.max(0, next.machine - last.machine - (next.ours - last.ours)) / (now - last.at));
    last = next;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  const progress = setInterval(() => log(`  soak ${Math.round((performance.now() - started) / 1000)} s: ${[...samples].map(([p, s]) => `${p.service} ${s[s.length - 1]![1].toFixed(0)} MiB`).join(', ')}`), 60_000);
  const load: Partial<Record<PathName, LoadSummary>> = {};
  try {
    await Promise.all(
      options.paths.map(async (path) => {
        const result = await env.generator.run({
          mode: 'open',
          target: pathNamed(path).target(system.address, system.port, ids),
          rate: soakRates[path]!,
          durationMs,
          warmupMs: 0,
          timeoutMs: TIMEOUT_MS,
        });
        load[path] = result.report;
      }),
    );
  } finally {
    clearInterval(timer);
    clearInterval(progress);
    sample();
    await system.stop();
  }
  const series: SoakSeries[] = [...samples].map(([p, s]) => seriesOf(p.service, s, warmupMs / 1000));
  return { config, durationMs, warmupMs, rates: soakRates, series, load, foreignCores: stat(foreign) };
}

/** Growth (of the post-GC floor) and slope of one process's RSS after the warm-up. */
export function seriesOf(service: SoakSeries['service'], samples: [number, number][], warmupS: number): SoakSeries {
  const after = samples.filter(([t]) => t >= warmupS);
  const fifth = Math.max(1, Math.floor(after.length / 5));
  const floor = (window: [number, number][]): number => Math.min(...window.map(([, v]) => v));
  const afterWarmupMiB = after.length === 0 ? 0 : floor(after.slice(0, fifth));
  const finalMiB = after.length === 0 ? 0 : floor(after.slice(-fifth));
  return {
    service,
    samples,
    afterWarmupMiB,
    finalMiB,
    growthPct: afterWarmupMiB > 0 ? (finalMiB / afterWarmupMiB - 1) * 100 : 0,
    slopeMiBPerMin: slope(after) * 60,
  };
}

/** Least-squares slope of y over x (per second for [s, MiB] samples); 0 with fewer than 2 points. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
