import type { ServiceName } from '@govrnanza/topology';
import type { ConfigSummary, IdleSummary, PathRun, Session, SoakResult, Stat, TargetCheck } from './benchResult';
import type { ConfigName } from './configs';
import type { PathName } from './paths';

/** Median, min and max of values (NaN-free); n = 0 gives zeros. */
export function stat(values: readonly number[]): Stat {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return { median: 0, min: 0, max: 0, n: 0 };
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { median, min: v[0]!, max: v[v.length - 1]!, n: v.length };
}

const MiB = 1024 * 1024;

/** A single-threaded generator above this many cores is taken to limit the closed loop. */
export const GENERATOR_BOUND_CORES = 0.75;
const sum = (values: Iterable<number | undefined>): number => [...values].reduce<number>((a, b) => a + (b ?? 0), 0);

function perRequestUs(cpuMs: number, completed: number): number {
  return completed > 0 ? (cpuMs * 1000) / completed : NaN;
}

/** One configuration on one path over every round, with ratios paired with bare's run of the same round. */
export function summarize(runs: readonly PathRun[], config: ConfigName, path: PathName): ConfigSummary | undefined {
  const mine = runs.filter((r) => r.config === config && r.path === path);
  if (mine.length === 0) return undefined;
  const closed = mine.map((r) => r.closed);
  const open = mine.map((r) => r.open);
  const services = [...new Set(mine.flatMap((r) => Object.keys(r.closed.cost.rssMaxBytes) as ServiceName[]))];
  const rssMiB: Partial<Record<ServiceName, Stat>> = {};
  for (const s of services) rssMiB[s] = stat(mine.map((r) => Math.max(r.closed.cost.rssMaxBytes[s] ?? 0, r.open.cost.rssMaxBytes[s] ?? 0) / MiB));
  const processCpu: ConfigSummary['processCpu'] = {};
  for (const s of services) {
    processCpu[s] = {
      usPerRequest: stat(closed.map((c) => perRequestUs(c.cost.serverCpuMs[s] ?? 0, c.report.requests.completed))),
      cores: stat(closed.map((c) => (c.cost.serverCpuMs[s] ?? 0) / c.cost.wallMs)),
      openUsPerRequest: stat(open.map((o) => perRequestUs(o.cost.serverCpuMs[s] ?? 0, o.report.requests.completed))),
    };
    const main = closed.map((c) => ({ t: c.cost.mainThreadMs?.[s], wallMs: c.cost.wallMs })).filter((m) => m.t !== undefined);
    if (main.length > 0) {
      processCpu[s]!.mainThread = { running: stat(main.map((m) => m.t!.running / m.wallMs)), waiting: stat(main.map((m) => m.t!.waiting / m.wallMs)) };
    }
  }
  const summary: ConfigSummary = {
    config,
    path,
    throughput: stat(closed.map((c) => c.report.throughput)),
    closedP50Ms: stat(closed.map((c) => c.report.latencyMs.p50)),
    closedP99Ms: stat(closed.map((c) => c.report.latencyMs.p99)),
    openP50Ms: stat(open.map((o) => o.report.latencyMs.p50)),
    openP99Ms: stat(open.map((o) => o.report.latencyMs.p99)),
    openRate: stat(open.map((o) => o.report.rateAchieved)),
    fellBehind: open.filter((o) => o.report.fellBehind).length,
    fellBehindReasons: [...new Set(open.flatMap((o) => o.report.fellBehindReasons))],
    failed: sum([...closed, ...open].map((m) => m.report.requests.failed)),
    serverCpuUsPerRequest: stat(closed.map((c) => perRequestUs(sum(Object.values(c.cost.serverCpuMs)), c.report.requests.completed))),
    openServerCpuUsPerRequest: stat(open.map((o) => perRequestUs(sum(Object.values(o.cost.serverCpuMs)), o.report.requests.completed))),
    generatorCpuUsPerRequest: stat(closed.map((c) => perRequestUs(c.cost.generatorCpuMs, c.report.requests.completed))),
    generatorCores: stat(closed.map((c) => c.cost.generatorCpuMs / c.cost.wallMs)),
    foreignCores: stat(closed.map((c) => c.cost.foreignCpuMs / c.cost.wallMs)),
    rssMiB,
    processCpu,
    logLinesPerRequest: stat(closed.map((c) => sum(Object.values(c.cost.logLines)) / Math.max(1, c.report.requests.completed))),
    exportBytesPerRequest: stat(closed.map((c) => c.cost.sink.bytes / Math.max(1, c.report.requests.completed))),
    generatorBound: false,
  };
  summary.generatorBound = summary.generatorCores.median > GENERATOR_BOUND_CORES;
  if (config !== 'bare') {
    const paired = (pick: (r: PathRun) => number): Stat =>
      stat(
        mine.map((r) => {
          const bare = runs.find((b) => b.config === 'bare' && b.path === path && b.round === r.round);
          return bare ? pick(r) / pick(bare) : NaN;
        }),
      );
    const serverCpu = paired((r) => perRequestUs(sum(Object.values(r.closed.cost.serverCpuMs)), r.closed.report.requests.completed));
    summary.ratios = {
      throughput: paired((r) => r.closed.report.throughput),
      openP50: paired((r) => r.open.report.latencyMs.p50),
      openP99: paired((r) => r.open.report.latencyMs.p99),
      serverCpu,
      capacity: paired((r) => 1 / perRequestUs(sum(Object.values(r.closed.cost.serverCpuMs)), r.closed.report.requests.completed)),
      openCapacity: paired((r) => 1 / perRequestUs(sum(Object.values(r.open.cost.serverCpuMs)), r.open.report.requests.completed)),
    };
  }
  return summary;
}

/** Every configuration on every path, in the order given. */
export function summarizeAll(runs: readonly PathRun[], configs: readonly ConfigName[], paths: readonly PathName[]): ConfigSummary[] {
  return paths.flatMap((p) => configs.map((c) => summarize(runs, c, p)).filter((s): s is ConfigSummary => s !== undefined));
}

/** Each configuration's background CPU per process over rounds, in `configs` order (configurations without a figure left out). */
export function summarizeIdle(sessions: readonly Session[], configs: readonly ConfigName[]): IdleSummary[] {
  return configs.flatMap((config) => {
    const measured = sessions.filter((s) => s.config === config).map((s) => s.idleCpuMsPerSecond ?? {});
    const services = [...new Set(measured.flatMap((m) => Object.keys(m) as ServiceName[]))];
    if (services.length === 0) return [];
    const byService: IdleSummary['byService'] = {};
    for (const svc of services) byService[svc] = stat(measured.map((m) => m[svc] ?? NaN));
    return [{ config, byService }];
  });
}

/**
 * The targets, as far as this run measured them: on the three-hop
 * chain, 1 % tracing ≥ 0.90× bare throughput and ≤ 1.10× bare p50, 100 %
 * tracing ≥ 0.75× bare throughput; the generator held every asked rate; RSS
 * growth after warm-up < 5 % (soak only).
 */
export function checkTargets(summaries: readonly ConfigSummary[], soak?: SoakResult): TargetCheck[] {
  const find = (config: ConfigName, path: PathName) => summaries.find((s) => s.config === config && s.path === path);
  const checks: TargetCheck[] = [];
  const ratio = (name: string, config: ConfigName, pick: (s: ConfigSummary) => Stat | undefined, limit: number, atLeast: boolean): void => {
    const s = find(config, 'three-hop');
    const value = s ? pick(s)?.median : undefined;
    checks.push({
      name,
      value,
      limit: `${atLeast ? '≥' : '≤'} ${limit.toFixed(2)}× bare`,
      met: value === undefined ? undefined : atLeast ? value >= limit : value <= limit,
      ...(value === undefined ? { note: 'not measured in this run' } : {}),
    });
  };
  // A soak measures no ratios: only its own check applies then.
  if (summaries.length > 0) {
    ratio('three-hop throughput, tracing 1 %', 'tracing-1pct', (s) => s.ratios?.throughput, 0.9, true);
    ratio('three-hop capacity per CPU second, tracing 1 %', 'tracing-1pct', (s) => s.ratios?.capacity, 0.9, true);
    ratio('three-hop p50, tracing 1 %', 'tracing-1pct', (s) => s.ratios?.openP50, 1.1, false);
    ratio('three-hop capacity per CPU second at the fixed rate, tracing 1 %', 'tracing-1pct', (s) => s.ratios?.openCapacity, 0.9, true);
    ratio('three-hop throughput, tracing 100 %', 'tracing-100pct', (s) => s.ratios?.throughput, 0.75, true);
    ratio('three-hop capacity per CPU second, tracing 100 %', 'tracing-100pct', (s) => s.ratios?.capacity, 0.75, true);
    ratio('three-hop capacity per CPU second at the fixed rate, tracing 100 %', 'tracing-100pct', (s) => s.ratios?.openCapacity, 0.75, true);
  }
  const behind = summaries.filter((s) => s.fellBehind > 0);
  checks.push({
    name: 'generator held every asked open-loop rate',
    value: behind.length,
    limit: '0 runs fell behind',
    met: behind.length === 0,
    ...(behind.length > 0 ? { note: behind.map((s) => `${s.config}/${s.path}: ${s.fellBehindReasons.join('; ')}`).join(' | ') } : {}),
  });
  if (soak) {
    const worst = Math.max(...soak.series.map((s) => s.growthPct));
    const noisy = soak.foreignCores.median > 0.3;
    checks.push({
      name: `RSS growth after warm-up (${soak.config}, soak)`,
      value: worst,
      limit: '< 5 % per process',
      met: worst < 5,
      ...(noisy ? { note: `other work used ${soak.foreignCores.median.toFixed(2)} cores during the soak: measure again on a quiet machine` } : {}),
    });
  }
  return checks;
}
