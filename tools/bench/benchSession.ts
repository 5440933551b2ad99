import { cpus, release, totalmem, type } from 'node:os';
import path from 'node:path';
import { START_ORDER, type ServiceName } from '@govrnanza/topology';
import { bareBenchData } from '../../bench/bare/benchData';
import type { BenchOptions } from './benchOptions';
import type { MachineFacts } from './benchResult';
import { startBenchSystem, type BenchSystem, type StartOptions } from './benchSystem';
import type { Bundles } from './bundles';
import { configNamed, type ConfigName } from './configs';
import type { LoadGenerator } from './loadGenerator';
import type { OtlpSink } from './otlpSink';
import { pathNamed, type DataIds, type PathName } from './paths';
import { bareIds, seedStack } from './seedStack';

/** Per-request timeout of the generator, ms: far above any latency the bench expects. */
export const TIMEOUT_MS = 5_000;

/** What every phase of a bench needs. */
export interface BenchEnv {
  options: BenchOptions;
  bundles: Bundles;
  sink: OtlpSink;
  generator: LoadGenerator;
  log: (line: string) => void;
}

export function machineFacts(): MachineFacts {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    os: `${type()} ${release()}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

/** The services the selected paths go through, in start order. */
export function servicesOf(paths: readonly PathName[]): ServiceName[] {
  const needed = new Set(paths.flatMap((p) => pathNamed(p).services));
  return START_ORDER.filter((s) => needed.has(s));
}

/**
 * Starts one configuration with the data set in it; returns the system and the data's ids.
 * `sampled`: whether `--allocations` applies (not to calibration).
 */
export async function startWithData(
  env: BenchEnv,
  config: ConfigName,
  session: string = config,
  sampled = true,
  extra: Pick<StartOptions, 'callgrindDir' | 'readyTimeoutMs'> = {},
): Promise<{ system: BenchSystem; ids: DataIds }> {
  const data = bareBenchData();
  const { cpuProfDir: profileDir, allocationsDir } = env.options;
  const system = await startBenchSystem({
    config: configNamed(config),
    services: servicesOf(env.options.paths),
    bundles: env.bundles,
    otlpUrl: env.sink.url,
    bareData: data,
    ...(env.options.pin ? { placement: env.options.pin } : {}),
    ...(env.options.nodeFlags.length > 0 ? { nodeFlags: env.options.nodeFlags } : {}),
    ...(profileDir ? { cpuProfDir: path.resolve(profileDir, session) } : {}),
    ...(allocationsDir && sampled ? { allocationsDir: path.resolve(allocationsDir, session) } : {}),
    ...extra,
  });
  try {
    return { system, ids: configNamed(config).kind === 'bare' ? bareIds(data) : await seedStack(system) };
  } catch (err) {
    await system.stop();
    throw err;
  }
}

