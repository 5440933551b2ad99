import { cpus } from 'node:os';
import type { QuietCheck } from './benchResult';
import type { ConfigName } from './configs';
import { loadAverage, machineCpuMs, processCpuMs } from './procStats';

/**
 * Cores busy with work other than this process and `ownPids` (the bench's
 * generator and the services of the configuration being measured, idle
 * between runs but still up) over `windowMs`.
 */
export async function foreignCores(windowMs = 1_000, ownPids: readonly number[] = []): Promise<number> {
  const ownCpuMs = (): number => ownPids.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0);
  const before = machineCpuMs();
  const ownBefore = ownCpuMs();
  const own = process.cpuUsage();
  const started = Date.now();
  await new Promise((r) => setTimeout(r, windowMs));
  const after = machineCpuMs();
  const ownAfter = ownCpuMs();
  const ownUsage = process.cpuUsage(own);
  const elapsed = Math.max(1, Date.now() - started);
  return Math.max(0, after.busy - before.busy - (ownUsage.user + ownUsage.system) / 1000 - Math.max(0, ownAfter - ownBefore)) / elapsed;
}

/**
 * Waits, in 5 s steps up to `maxWaitMs`, while other work keeps more than
 * `limitCores` busy, so measurements are taken on a quiet machine; returns
 * what it saw (measuring anyway after the wait, and saying so). The CPU of
 * `ownPids`, the bench's own processes, is not other work.
 */
export async function waitForQuiet(
  round: number,
  config: ConfigName,
  limitCores: number,
  maxWaitMs: number,
  log: (line: string) => void,
  ownPids: readonly number[] = [],
): Promise<QuietCheck> {
  const started = Date.now();
  let busy = await foreignCores(1_000, ownPids);
  while (busy > limitCores && Date.now() - started < maxWaitMs) {
    log(`  machine busy with other work (${busy.toFixed(2)} of ${cpus().length} cores, load ${loadAverage()[0].toFixed(2)}): waiting`);
    await new Promise((r) => setTimeout(r, 5_000));
    busy = await foreignCores(1_000, ownPids);
  }
  return { round, config, foreignCores: busy, waitedMs: Date.now() - started, loadAverage: loadAverage() };
}
