import type { BenchOptions } from './benchOptions';
import type { BenchResult, PathRun, QuietCheck, Session } from './benchResult';
import { machineFacts, startWithData, TIMEOUT_MS, type BenchEnv } from './benchSession';
import type { BenchSystem } from './benchSystem';
import { buildBundles } from './bundles';
import { allowedCores } from './cpuPlacement';
import type { ConfigName } from './configs';
import { startLoadGenerator } from './loadGenerator';
import { measureIdle, measureRun } from './measureRun';
import { startOtlpSink } from './otlpSink';
import { pathNamed, type DataIds, type PathName } from './paths';
import { loadAverage } from './procStats';
import { waitForQuiet } from './quiet';
import { runSoak } from './soak';
import { checkTargets, summarizeAll, summarizeIdle } from './summarize';

/** Most measurements of one path in one session when other work keeps disturbing them. */
const MAX_ATTEMPTS = 3;

function targetOf(system: BenchSystem, path: PathName, ids: DataIds) {
  return pathNamed(path).target(system.address, system.port, ids);
}

/** Unmeasured closed-loop load, so JIT and connections are warm before measuring. */
async function warmUp(env: BenchEnv, system: BenchSystem, path: PathName, ids: DataIds): Promise<void> {
  const { concurrency, warmupMs } = env.options;
  await env.generator.run({ mode: 'closed', target: targetOf(system, path, ids), concurrency, durationMs: warmupMs, timeoutMs: TIMEOUT_MS });
}

/**
 * The open-loop rate of each path: given with --rates, or the fraction of
 * bare's saturation throughput measured now in one bare session, on a quiet
 * machine (measured again, up to MAX_ATTEMPTS times, when other work disturbed it).
 */
async function calibrate(env: BenchEnv): Promise<BenchResult['rates']> {
  const { options, log } = env;
  const rates: BenchResult['rates'] = {};
  for (const p of options.paths) if (options.rates[p] !== undefined) rates[p] = { rate: options.rates[p]! };
  const todo = options.paths.filter((p) => rates[p] === undefined);
  if (todo.length === 0) return rates;
  log('calibrating open-loop rates on bare');
  await waitForQuiet(0, 'bare', options.quietCores, options.maxWaitMs, log, [env.generator.pid]);
  const { system, ids } = await startWithData(env, 'bare', 'calibration-bare', false);
  try {
    for (const path of todo) {
      let throughput = 0;
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        await warmUp(env, system, path, ids);
        const { result, cost } = await measureRun(system, env.generator, env.sink, {
          mode: 'closed',
          target: targetOf(system, path, ids),
          concurrency: options.concurrency,
          durationMs: options.durationMs,
          timeoutMs: TIMEOUT_MS,
        });
        throughput = result.report.throughput;
        if (foreignCoresOf({ cost }) <= options.quietCores || options.maxWaitMs === 0) break;
        log(`  ${path}: other work used ${foreignCoresOf({ cost }).toFixed(2)} cores during calibration: measuring again`);
        await waitForQuiet(0, 'bare', options.quietCores, options.maxWaitMs, log, ownPids(env, system));
      }
      const rate = Math.max(1, Math.round((throughput * options.rateFraction) / 10) * 10);
      rates[path] = { rate, bareThroughput: throughput };
      log(`  ${path}: bare saturates at ${throughput.toFixed(0)} req/s → open loop at ${rate} req/s`);
    }
  } finally {
    await system.stop();
  }
  return rates;
}

/** Cores other work used during a measured run. */
function foreignCoresOf(m: { cost: { foreignCpuMs: number; wallMs: number } }): number {
  return m.cost.foreignCpuMs / m.cost.wallMs;
}

/** Measures one path on a running system: closed loop, then open loop at the path's rate. */
async function measurePath(env: BenchEnv, system: BenchSystem, round: number, config: ConfigName, path: PathName, ids: DataIds, rate: number): Promise<PathRun> {
  const { options } = env;
  const target = targetOf(system, path, ids);
  await warmUp(env, system, path, ids);
  const closed = await measureRun(system, env.generator, env.sink, {
    mode: 'closed',
    target,
    concurrency: options.concurrency,
    durationMs: options.durationMs,
    timeoutMs: TIMEOUT_MS,
  });
  const open = await measureRun(system, env.generator, env.sink, {
    mode: 'open',
    target,
    rate,
    durationMs: options.durationMs,
    // The closed loop left everything warm; this lets queues from saturation drain.
    warmupMs: Math.min(1_000, options.warmupMs),
    timeoutMs: TIMEOUT_MS,
  });
  // A run of its own, after the measured ones: sampling slows every process. A diagnostic that
  // fails is reported, and the measurements stand.
  await system
    .sampleAllocations?.(path, async () => {
      const sampled = await env.generator.run({ mode: 'open', target, rate, durationMs: Math.min(3_000, options.durationMs), warmupMs: 0, timeoutMs: TIMEOUT_MS });
      return sampled.report.requests.completed;
    })
    .catch((err: unknown) => env.log(`  ${config} ${path}: allocations not sampled: ${(err as Error).message}`));
  return { round, config, path, attempts: 1, closed: { report: closed.result.report, cost: closed.cost }, open: { report: open.result.report, cost: open.cost } };
}

/** The bench's own processes while a configuration is up: the generator and the configuration's services. */
function ownPids(env: BenchEnv, system: { processes: readonly { pid: number }[] }): number[] {
  return [env.generator.pid, ...system.processes.map((p) => p.pid)];
}

/**
 * One configuration in one round: every path, closed loop then open loop. A
 * path measured while other work used more than `quietCores` is measured
 * again (after waiting for quiet), up to MAX_ATTEMPTS times; the last
 * measurement is kept and says how many it took.
 */
async function runConfig(env: BenchEnv, round: number, config: ConfigName, rates: BenchResult['rates']): Promise<{ runs: PathRun[]; session: Session }> {
  const { options, log } = env;
  const sinkBefore = env.sink.counts();
  const { system, ids } = await startWithData(env, config, `${round}-${config}`);
  const runs: PathRun[] = [];
  let idle: Session['idleCpuMsPerSecond'];
  const cores: Session['cores'] = { generator: allowedCores(env.generator.pid) };
  for (const p of system.processes) cores[p.service] = allowedCores(p.pid);
  try {
    if (options.idleMs > 0) idle = await measureIdle(system, options.idleMs);
    for (const path of options.paths) {
      let run = await measurePath(env, system, round, config, path, ids, rates[path]!.rate);
      while (Math.max(foreignCoresOf(run.closed), foreignCoresOf(run.open)) > options.quietCores && run.attempts < MAX_ATTEMPTS && options.maxWaitMs > 0) {
        log(`  ${config} ${path}: other work used ${Math.max(foreignCoresOf(run.closed), foreignCoresOf(run.open)).toFixed(2)} cores during the run: measuring again`);
        await waitForQuiet(round, config, options.quietCores, options.maxWaitMs, log, ownPids(env, system));
        const attempts = run.attempts + 1;
        run = { ...(await measurePath(env, system, round, config, path, ids, rates[path]!.rate)), attempts };
      }
      runs.push(run);
      const c = run.closed.report;
      const o = run.open.report;
      const failed = c.requests.failed + o.requests.failed;
      log(
        `  ${config.padEnd(15)} ${path.padEnd(10)} ${c.throughput.toFixed(0).padStart(6)} req/s max · ` +
          `p50 ${o.latencyMs.p50.toFixed(2)} ms p99 ${o.latencyMs.p99.toFixed(2)} ms at ${o.rateAchieved.toFixed(0)} req/s` +
          `${o.fellBehind ? ' (generator fell behind)' : ''}${failed > 0 ? ` · ${failed} failed` : ''}`,
      );
    }
  } finally {
    await system.stop();
  }
  const sinkAfter = env.sink.counts();
  const sink = { requests: sinkAfter.requests - sinkBefore.requests, bytes: sinkAfter.bytes - sinkBefore.bytes };
  return { runs, session: { round, config, sink, cores, ...(idle ? { idleCpuMsPerSecond: idle } : {}) } };
}

/** The configurations in round `round` (1-based): rotated each round, so none always runs first. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const k = (round - 1) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** What has been measured so far. */
interface Collected {
  startedAt: string;
  loadAverageAtStart: [number, number, number];
  rates: BenchResult['rates'];
  quiet: QuietCheck[];
  sessions: Session[];
  runs: PathRun[];
  soak?: BenchResult['soak'];
}

/** The result from what has been measured so far, summarized. */
function assemble(options: BenchOptions, command: string, c: Collected): BenchResult {
  const summaries = summarizeAll(c.runs, options.configs, options.paths);
  return {
    startedAt: c.startedAt,
    finishedAt: new Date().toISOString(),
    command,
    machine: machineFacts(),
    loadAverageAtStart: c.loadAverageAtStart,
    loadAverageAtEnd: loadAverage(),
    settings: {
      rounds: options.soakMs > 0 ? 0 : options.rounds,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
      concurrency: options.concurrency,
      rateFraction: options.rateFraction,
      paths: options.paths,
      configs: options.configs,
      ...(options.pin ? { pin: options.pin } : {}),
      ...(options.nodeFlags.length > 0 ? { nodeFlags: options.nodeFlags } : {}),
    },
    rates: c.rates,
    quiet: c.quiet,
    sessions: c.sessions,
    runs: c.runs,
    summaries,
    idle: summarizeIdle(c.sessions, options.configs),
    targets: checkTargets(summaries, c.soak),
    ...(c.soak ? { soak: c.soak } : {}),
  };
}

/**
 * Runs the whole benchmark (or the soak) and returns what it measured;
 * `progress` gets the result so far after each configuration (a long run
 * stopped half-way still leaves its measurements).
 */
export async function runBench(options: BenchOptions, command: string, log: (line: string) => void, progress?: (partial: BenchResult) => void): Promise<BenchResult> {
  const collected: Collected = { startedAt: new Date().toISOString(), loadAverageAtStart: loadAverage(), rates: {}, quiet: [], sessions: [], runs: [] };
  log('bundling services, bare reference and generator');
  const bundles = await buildBundles();
  const removeBundles = (): void => bundles.remove();
  // Profiles point into the bundles: kept (with their source maps) for the summaries.
  const keepBundles = options.cpuProfDir !== undefined || options.allocationsDir !== undefined;
  if (!keepBundles) process.once('exit', removeBundles);
  const sink = await startOtlpSink();
  let generator: ReturnType<typeof startLoadGenerator>;
  try {
    generator = startLoadGenerator(bundles.loadWorker, options.pin?.generator);
  } catch (err) {
    // e.g. the generator could not be pinned: nothing may keep the process alive.
    await sink.close();
    throw err;
  }
  const env: BenchEnv = { options, bundles, sink, generator, log };
  try {
    collected.rates = await calibrate(env);
    if (options.soakMs > 0) {
      const config = options.soakConfig;
      collected.quiet.push(await waitForQuiet(1, config, options.quietCores, options.maxWaitMs, log, [generator.pid]));
      collected.soak = await runSoak(env, config, collected.rates);
    } else {
      for (let round = 1; round <= options.rounds; round++) {
        log(`round ${round}/${options.rounds}`);
        for (const config of roundOrder(options.configs, round)) {
          collected.quiet.push(await waitForQuiet(round, config, options.quietCores, options.maxWaitMs, log, [generator.pid]));
          const done = await runConfig(env, round, config, collected.rates);
          collected.runs.push(...done.runs);
          collected.sessions.push(done.session);
          progress?.(assemble(options, command, collected));
        }
      }
    }
    return assemble(options, command, collected);
  } finally {
    await generator.close();
    await sink.close();
    if (keepBundles) log(`bundles kept in ${bundles.dir} for the profiles' source maps`);
    else {
      process.removeListener('exit', removeBundles);
      bundles.remove();
    }
  }
}
