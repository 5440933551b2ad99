import type { CallNode } from './callTree';
import type { ChainModel } from './ChainModel';
import { closedFormAvailability } from './closedFormAvailability';
import { compileTree } from './compileTree';
import { monteCarlo, sortedQuantile } from './monteCarlo';
import { seededRandom } from './seededRandom';

/** Options of a prediction. */
export interface PredictOptions {
  /** Simulated requests; default 100 000 (p99.9 then rests on ~100 draws). At most 10 000 000. */
  trials?: number;
  /** Seed of the simulation's random source; default 1. Same seed, same prediction. */
  seed?: number;
  /** End-to-end budget (the gateway's deadline), ms: slower requests fail at this time. Default none. */
  budgetMs?: number;
  /** Latency quantiles over 'all' requests (failures included, as the load generator records) or only 'ok' ones; default 'all'. */
  latencyOf?: 'all' | 'ok';
}

/** Predicted latency, ms. */
export interface LatencyQuantiles {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  mean: number;
}

/** The chain-cost model's prediction for one route (or lab tree). */
export interface Prediction {
  /** Route id, or the root's 'service.method' for other trees. */
  name: string;
  /** The exact availability where a closed form exists, else the Monte Carlo estimate. */
  availability: number;
  availabilityMethod: 'closed-form' | 'monte-carlo';
  monteCarloAvailability: number;
  /** Standard error of the Monte Carlo availability: √(a(1 − a)/trials). */
  monteCarloStdError: number;
  /** Always from the Monte Carlo simulation over the measured distributions. */
  latencyMs: LatencyQuantiles;
  latencyOf: 'all' | 'ok';
  trials: number;
  seed: number;
  /** Edges of the tree the model had no stats for; they were taken as ideal (always ok, 0 ms). */
  unmeasuredEdges: string[];
}

/** Predicts availability and latency quantiles of any call tree (a route's, or a lab's such as fanOutTree). */
export function predictTree(tree: CallNode, model: ChainModel, options: PredictOptions = {}): Prediction {
  const trials = options.trials ?? 100_000;
  if (!Number.isInteger(trials) || trials < 1 || trials > 10_000_000) throw new RangeError(`trials must be an integer in [1, 10 000 000], got ${trials}`);
  const seed = options.seed ?? 1;
  const latencyOf = options.latencyOf ?? 'all';
  const { root, unmeasuredEdges } = compileTree(tree, model);
  const run = monteCarlo(root, { trials, random: seededRandom(seed), budgetMs: options.budgetMs });
  const monteCarloAvailability = run.okCount / trials;
  const exact = options.budgetMs === undefined ? closedFormAvailability(root) : undefined;
  const latencies = latencyOf === 'all' ? run.latencies : run.latencies.filter((_, i) => run.ok[i] === 1);
  return {
    name: tree.service === 'gateway' ? tree.method : `${tree.service}.${tree.method}`,
    availability: exact ?? monteCarloAvailability,
    availabilityMethod: exact === undefined ? 'monte-carlo' : 'closed-form',
    monteCarloAvailability,
    monteCarloStdError: Math.sqrt((monteCarloAvailability * (1 - monteCarloAvailability)) / trials),
    latencyMs: quantiles(latencies),
    latencyOf,
    trials,
    seed,
    unmeasuredEdges,
  };
}

function quantiles(latencies: Float64Array): LatencyQuantiles {
  const sorted = latencies.slice().sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    p50: sortedQuantile(sorted, 0.5),
    p90: sortedQuantile(sorted, 0.9),
    p99: sortedQuantile(sorted, 0.99),
    p999: sortedQuantile(sorted, 0.999),
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
  };
}
