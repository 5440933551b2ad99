import { cpus } from 'node:os';
import type { QuietCheck } from './benchResult';
import type { ConfigName } from './configs';
import { loadAverage, machineCpuMs } from './procStats';

/** Cores busy with work other than this process over `windowMs` (nothing else of the bench runs then). */
export async function foreignCores(windowMs = 1_000): Promise<number> {
  const before = machineCpuMs();
  const own = process.cpuUsage();
  const started = Date.now();
  await new Promise((r) => setTimeout(r, windowMs));
  const after = machineCpuMs();
  const ownUsage = process.cpuUsage(own);
  const elapsed = Math.max(1, Date.now() - started);
  return Math.max(0, after.busy - before.busy - (ownUsage.user + ownUsage.system) / 1000) / elapsed;
}

/**
 * Waits, in 5 s steps up to `maxWaitMs`, while other work keeps more than
 * `limitCores` busy, so measurements are taken on a quiet machine; returns
 * what it saw (measuring anyway after the wait, and saying so).
 */
export async function waitForQuiet(round: number, config: ConfigName, limitCores: number, maxWaitMs: number, log: (line: string) => void): Promise<QuietCheck> {
  const started = Date.now();
  let busy = await foreignCores();
  while (busy > limitCores && Date.now() - started < maxWaitMs) {
    log(`  machine busy with other work (${busy.toFixed(2)} of ${cpus().length} cores, load ${loadAverage()[0].toFixed(2)}): waiting`);
    await new Promise((r) => setTimeout(r, 5_000));
    busy = await foreignCores();
  }
  return { round, config, foreignCores: busy, waitedMs: Date.now() - started, loadAverage: loadAverage() };
}
