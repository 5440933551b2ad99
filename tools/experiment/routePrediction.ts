import {
  compareWithObserved,
  compileTree,
  monteCarlo,
  seededRandom,
  distributionFromEncodedHistogram,
  fanOutTree,
  observedFromLoadReport,
  predictTree,
  probabilityAnySlow,
  routeTree,
  type CallNode,
  type MetricComparison,
  type Prediction,
} from '@govrnanza/chaincost';
import type { LoadReport } from '@govrnanza/loadgen';
import { ROUTES } from '@govrnanza/topology';
import { buildModel, effectiveTree, type EdgeInput, type ModelInputs } from './variantModel';

/** P(request slower than a threshold): predicted 1 − (1 − p)ⁿ from the edge, and observed. */
export interface TailComparison {
  thresholdMs: number;
  /** P(one call > threshold), from the edge's measured histogram. */
  perCall: number;
  n: number;
  /** 1 − (1 − perCall)ⁿ: the closed form, calls only. */
  predicted: number;
  /** The whole model's share (Monte Carlo): the gateway's own time included. */
  modelPredicted: number;
  observed: number;
}

/** The model's prediction for one route of one variant, next to what was observed. */
export interface RoutePrediction {
  route: string;
  /** The lab route's n, for a fan-out. */
  fanout?: number;
  prediction: Prediction;
  comparisons: MetricComparison[];
  edges: EdgeInput[];
  tail: TailComparison[];
}

/** Trials of each route's prediction: p99.9 then rests on ~100 simulated requests past it. */
const TRIALS = 100_000;

/**
 * Predicts one route from the measured edges with the chain-cost model and
 * compares with the route's load report. A lab route is the fan-out tree of
 * its one call, n times in parallel; any other route is the topology's tree.
 */
export function predictRoute(route: string, inputs: ModelInputs, observed: LoadReport, options: { fanout?: number; tailThresholdsMs?: readonly number[] } = {}): RoutePrediction {
  const tree = effectiveTree(treeOf(route, options.fanout), inputs.settings);
  const { model, edgeInputs } = buildModel(tree, inputs);
  const prediction = predictTree(tree, model, { trials: TRIALS, seed: 1, budgetMs: inputs.settings.budgetMs(route) });
  const result: RoutePrediction = {
    route,
    prediction,
    comparisons: compareWithObserved(prediction, observedFromLoadReport(observed)),
    edges: edgeInputs,
    tail: [],
  };
  if (options.fanout !== undefined) result.fanout = options.fanout;
  const n = options.fanout ?? 1;
  const edge = tree.stages[0]?.[0];
  const latency = edge ? model.edges[edge.key]?.latency : undefined;
  if (latency && options.tailThresholdsMs?.length && observed.requests.completed > 0) {
    const seen = distributionFromEncodedHistogram(observed.latencyHistogram);
    const { root } = compileTree(tree, model);
    const simulated = monteCarlo(root, { trials: TRIALS, random: seededRandom(1), budgetMs: inputs.settings.budgetMs(route) }).latencies;
    for (const t of options.tailThresholdsMs) {
      const perCall = 1 - latency.cdf(t);
      const modelPredicted = simulated.reduce((a, v) => a + (v > t ? 1 : 0), 0) / simulated.length;
      result.tail.push({ thresholdMs: t, perCall, n, predicted: probabilityAnySlow(perCall, n), modelPredicted, observed: 1 - seen.cdf(t) });
    }
  }
  return result;
}

function treeOf(routeId: string, fanout: number | undefined): CallNode {
  const route = ROUTES.find((r) => r.id === routeId);
  if (!route) throw new Error(`unknown route "${routeId}"`);
  if (!route.lab) return routeTree(route);
  const call = route.calls[0]!;
  return fanOutTree({ n: fanout ?? 1, caller: 'gateway', callerMethod: route.id, downstream: call.downstream, method: call.method });
}
