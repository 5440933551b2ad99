import type { CompiledNode } from './compileTree';
import { simulateRequest } from './simulateRequest';

/** Options of {@link monteCarlo}. */
export interface MonteCarloOptions {
  trials: number;
  random: () => number;
  /** End-to-end budget, ms: a request slower than this fails at this time (the edge's deadline). */
  budgetMs?: number;
}

/** What the simulated requests did: latencies (ms) and success flags, by trial. */
export interface MonteCarloRun {
  latencies: Float64Array;
  ok: Uint8Array;
  okCount: number;
}

/** Simulates `trials` independent requests through a compiled tree. */
export function monteCarlo(root: CompiledNode, options: MonteCarloOptions): MonteCarloRun {
  const latencies = new Float64Array(options.trials);
  const ok = new Uint8Array(options.trials);
  let okCount = 0;
  const budget = options.budgetMs ?? Infinity;
  for (let i = 0; i < options.trials; i++) {
    const r = simulateRequest(root, options.random);
    const late = r.latencyMs > budget;
    latencies[i] = late ? budget : r.latencyMs;
    if (r.ok && !late) {
      ok[i] = 1;
      okCount++;
    }
  }
  return { latencies, ok, okCount };
}

/** The value at quantile q of ascending values (the smallest with a share ≥ q at or below it). */
export function sortedQuantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length * (1 - 1e-12));
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}
