/**
 * The chain-cost model: from the call graph (topology) and each edge's measured
 * success ratio and latency, the predicted availability and latency quantiles
 * of each route; exact closed forms where they exist, seeded Monte Carlo
 * otherwise. Its assumptions are in CHAIN_COST_ASSUMPTIONS.
 */
export { CHAIN_COST_ASSUMPTIONS } from './chainCostAssumptions';
export type { CallPolicy, ChainModel, EdgeStats, RetryPolicy } from './ChainModel';
export { edgeKey, edgeKeysOf, methodTree, routeTree, type CallEdge, type CallNode, type CallTreeOptions } from './callTree';
export { closedFormAvailability } from './closedFormAvailability';
export { expectedAttempts, parallelMaxQuantile, probabilityAnySlow, retrySuccess, serialAvailability } from './closedForms';
export { compareWithObserved, observedFromLoadReport, type MetricComparison, type Observed } from './compareWithObserved';
export { compileTree, type CompiledCall, type CompiledNode } from './compileTree';
export { constantDistribution, type Distribution } from './Distribution';
export { discreteDistribution, distributionFromSamples } from './discreteDistribution';
export { distributionFromBuckets, type Bucket, type BucketUnits } from './distributionFromBuckets';
export { distributionFromEncodedHistogram, distributionFromHistogram, type HistogramUnits } from './distributionFromHistogram';
export { fanOutTree, type FanOutOptions } from './fanOutTree';
export { monteCarlo, type MonteCarloOptions, type MonteCarloRun } from './monteCarlo';
export { predictRoute, predictRoutes, type PredictRouteOptions } from './predictRoute';
export { predictTree, type LatencyQuantiles, type PredictOptions, type Prediction } from './predictTree';
export { seededRandom } from './seededRandom';
export { simulateCall, simulateRequest, type SimulatedOutcome } from './simulateRequest';
