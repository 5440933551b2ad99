import { performance } from 'node:perf_hooks';
import type { ServiceName } from '@govrnanza/topology';
import type { BenchSystem } from './benchSystem';
import type { LoadGenerator } from './loadGenerator';
import type { LoadJob, LoadResult } from './loadJob';
import type { OtlpSink } from './otlpSink';
import { stat } from './summarize';
import { machineCpuMs, mainThreadSchedMs, processCpuMs, processRssBytes, processThreadsRunningMs } from './procStats';

/** What one run cost, besides what the generator reports. CPU in ms, RSS in bytes. */
export interface RunCost {
  wallMs: number;
  /** CPU of each benchmarked process during the run. */
  serverCpuMs: Partial<Record<ServiceName, number>>;
  /** CPU of the generator process. */
  generatorCpuMs: number;
  /** CPU of the bench process itself (the span sink, sampling). */
  benchCpuMs: number;
  /** Machine-wide busy CPU minus all of the above: other work on the machine (noise). */
  foreignCpuMs: number;
  /**
   * Each process's main thread during the run: ms on a core and ms waiting in
   * the run queue for one (undefined where the kernel keeps no such statistics
   * or the process was gone).
   */
  mainThreadMs?: Partial<Record<ServiceName, { running: number; waiting: number } | undefined>>;
  /** Highest RSS of each process seen during the run (sampled every `rssEveryMs`). */
  rssMaxBytes: Partial<Record<ServiceName, number>>;
  /** Lines each process wrote during the run (logging on the request path shows here). */
  logLines: Partial<Record<ServiceName, number>>;
  /** Span export requests and bytes the sink received during the run. */
  sink: { requests: number; bytes: number };
}

/** Runs one job on the generator while measuring what the system spent on it. */
export async function measureRun(system: BenchSystem, generator: LoadGenerator, sink: OtlpSink, job: LoadJob, rssEveryMs = 250): Promise<{ result: LoadResult; cost: RunCost }> {
  const procs = system.processes;
  const cpuBefore = procs.map((p) => processCpuMs(p.pid) ?? 0);
  const schedBefore = procs.map((p) => mainThreadSchedMs(p.pid));
  const linesBefore = procs.map((p) => p.lines);
  const sinkBefore = sink.counts();
  const benchBefore = process.cpuUsage();
  const machineBefore = machineCpuMs();
  const started = performance.now();
  const rssMax = procs.map((p) => processRssBytes(p.pid) ?? 0);
  const sampler = setInterval(() => procs.forEach((p, i) => (rssMax[i] = Math.max(rssMax[i]!, processRssBytes(p.pid) ?? 0))), rssEveryMs);
  let result: LoadResult;
  try {
    result = await generator.run(job);
  } finally {
    clearInterval(sampler);
  }
  const wallMs = performance.now() - started;
  const machineAfter = machineCpuMs();
  const bench = process.cpuUsage(benchBefore);
  const sinkAfter = sink.counts();
  const serverCpu = procs.map((p, i) => Math.max(0, (processCpuMs(p.pid) ?? cpuBefore[i]!) - cpuBefore[i]!));
  const sched = procs.map((p, i) => {
    const before = schedBefore[i];
    const after = mainThreadSchedMs(p.pid);
    if (!before || !after) return undefined;
    const running = after.runningMs - before.runningMs;
    // A kernel built without scheduler statistics shows zeros: no figure rather than 0 %.
    return running === 0 && serverCpu[i]! > 0 ? undefined : { running, waiting: after.waitingMs - before.waitingMs };
  });
  const benchCpuMs = (bench.user + bench.system) / 1000;
  const ours = serverCpu.reduce((a, b) => a + b, 0) + result.cpuMs + benchCpuMs;
  const byService = <T>(values: T[]): Partial<Record<ServiceName, T>> => Object.fromEntries(procs.map((p, i) => [p.service, values[i]]));
  return {
    result,
    cost: {
      wallMs,
      serverCpuMs: byService(serverCpu),
      generatorCpuMs: result.cpuMs,
      benchCpuMs,
      foreignCpuMs: Math.max(0, machineAfter.busy - machineBefore.busy - ours),
      mainThreadMs: byService(sched),
      rssMaxBytes: byService(rssMax),
      logLines: byService(procs.map((p, i) => p.lines - linesBefore[i]!)),
      sink: { requests: sinkAfter.requests - sinkBefore.requests, bytes: sinkAfter.bytes - sinkBefore.bytes },
    },
  };
}

/** The steps of `measureIdle`, in ms. */
export const IDLE_STEP_MS = 250;

/**
 * The CPU each process of `system` uses with no load, in ms per second of wall
 * time (all threads, from the scheduler's statistics): the median over steps
 * of `stepMs` in a window of `windowMs`, after `settleMs` (for what start-up
 * and seeding left running). The median is the steady rate of timers and
 * monitors: a one-off burst in the window, such as the full collection V8
 * makes once a process falls idle, is not counted. A process without
 * scheduler statistics, or gone, has no figure.
 */
export async function measureIdle(system: BenchSystem, windowMs: number, settleMs = 1_000, stepMs = IDLE_STEP_MS): Promise<Partial<Record<ServiceName, number>>> {
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  await sleep(settleMs);
  const procs = system.processes;
  const rates: number[][] = procs.map(() => []);
  let last = procs.map((p) => processThreadsRunningMs(p.pid));
  let at = performance.now();
  for (let elapsed = 0; elapsed < windowMs; elapsed += stepMs) {
    await sleep(stepMs);
    const now = performance.now();
    const current = procs.map((p) => processThreadsRunningMs(p.pid));
    procs.forEach((_, i) => {
      if (last[i] !== undefined && current[i] !== undefined) rates[i]!.push(((current[i]! - last[i]!) * 1000) / (now - at));
    });
    last = current;
    at = now;
  }
  const idle: Partial<Record<ServiceName, number>> = {};
  procs.forEach((p, i) => {
    if (rates[i]!.length > 0) idle[p.service] = stat(rates[i]!).median;
  });
  return idle;
}
