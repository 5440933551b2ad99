import { idempotencyOf } from '@govrnanza/contracts';
import {
  constantDistribution,
  predictTree,
  type CallEdge,
  type CallNode,
  type CallPolicy,
  type ChainModel,
  type EdgeStats,
} from '@govrnanza/chaincost';
import { SERVICES, type BackendName } from '@govrnanza/topology';
import { attemptLatency } from './attemptLatency';
import type { EdgeMeasurement } from './edgeMeasurement';
import type { SystemSettings } from './systemSettings';

/** How one edge's figures entered the model, for the report. */
export interface EdgeInput {
  key: string;
  /** 'attempts': the hop's own attempts; 'own': a caller of others, its own part derived; 'unmeasured': taken as ideal. */
  source: 'attempts' | 'own' | 'unmeasured';
  attempts: number;
  calls: number;
  /** Success of one attempt as the model takes it. */
  successRatio: number;
  /** Mean latency of one attempt as the model takes it, ms. */
  meanMs: number;
  /** Share of logical calls refused before any attempt (breaker, bulkhead). */
  refusedRatio: number;
  /** Share of retries the retry budget let through. */
  budgetShare: number;
  timeoutMs?: number;
  maxAttempts: number;
}

/** What the model needs from a run besides the tree. */
export interface ModelInputs {
  settings: SystemSettings;
  edges: ReadonlyMap<string, EdgeMeasurement>;
  /** Share of retries each caller's budget let through, by 'caller->downstream'. */
  budgetShares: ReadonlyMap<string, number>;
  /** The gateway's own mean latency for the route (its HTTP histogram), ms. */
  gatewayMeanMs: number | undefined;
}

/** Retries only on these codes (besides a per-attempt timeout), as the resilience layer does. */
const RETRYABLE = new Set(['Unavailable', 'ResourceExhausted', 'Aborted']);
/** Trials for the intermediate predictions that derive own latencies (means only). */
const INNER_TRIALS = 20_000;

/**
 * The route's call tree as this variant's system behaves: without resilience
 * nothing falls back (registry and billing fail when a downstream does);
 * failing closed, registry's check of the organisation is no fallback either.
 */
export function effectiveTree(tree: CallNode, settings: SystemSettings): CallNode {
  const keep = (e: CallEdge): CallEdge['fallback'] => {
    if (!e.fallback || settings.mode === 'none') return undefined;
    if (e.fallback === 'fail-open' && settings.accountFailureMode === 'closed') return undefined;
    return e.fallback;
  };
  return {
    ...tree,
    stages: tree.stages.map((stage) =>
      stage.map((e) => {
        const fallback = keep(e);
        return { key: e.key, ...(fallback ? { fallback } : {}), callee: effectiveTree(e.callee, settings) };
      }),
    ),
  };
}

/**
 * Builds the chain-cost model of one route from the measured edges. Leaf edges
 * take their own attempts (success ratio and latency histogram) and the model
 * applies the caller's policy (attempts, per-attempt timeout, backoff, the
 * retry budget's measured share, calls refused by breaker or bulkhead). An edge
 * to a service that calls others keeps only its own part: its attempts' success
 * divided by what its required calls predict, and the difference of means
 * (attempt mean − predicted mean below it) as a constant. The gateway's own
 * time is its HTTP mean minus the predicted mean of its calls.
 */
export function buildModel(tree: CallNode, inputs: ModelInputs): { model: ChainModel; edgeInputs: EdgeInput[] } {
  const model = { edges: {} as Record<string, EdgeStats>, policies: {} as Record<string, CallPolicy>, serviceTimes: {} as Record<string, ReturnType<typeof constantDistribution>> };
  const edgeInputs: EdgeInput[] = [];
  const visit = (node: CallNode): void => {
    for (const stage of node.stages) {
      for (const e of stage) {
        if (model.policies[e.key]) continue; // one edge key, one set of figures (a fan-out's n calls share it)
        visit(e.callee);
        const { stats, policy, input } = edgeFigures(e, node.service, inputs, model);
        model.edges[e.key] = stats;
        model.policies[e.key] = policy;
        edgeInputs.push(input);
      }
    }
  };
  visit(tree);
  if (inputs.gatewayMeanMs !== undefined && tree.service === 'gateway') {
    const below = predictTree(tree, model, { trials: INNER_TRIALS }).latencyMs.mean;
    model.serviceTimes.gateway = constantDistribution(Math.max(0, inputs.gatewayMeanMs - below));
  }
  return { model, edgeInputs };
}

function edgeFigures(e: CallEdge, caller: string, inputs: ModelInputs, model: ChainModel): { stats: EdgeStats; policy: CallPolicy; input: EdgeInput } {
  const m = inputs.edges.get(e.key);
  const downstream = e.callee.service as BackendName;
  const budgetShare = inputs.budgetShares.get(`${caller}->${downstream}`) ?? 1;
  const policy = policyOf(inputs.settings, downstream, e.callee.method, m, budgetShare);
  const base = { key: e.key, attempts: m?.attempts ?? 0, calls: m?.calls ?? 0, budgetShare, maxAttempts: policy.retry?.maxAttempts ?? 1, ...(policy.timeoutMs !== undefined ? { timeoutMs: policy.timeoutMs } : {}) };
  if (!m || m.attempts === 0) {
    // Never reached: every call refused before an attempt, or no call at all.
    const refusedRatio = m && m.calls > 0 ? 1 : 0;
    const source = m && m.calls > 0 ? 'attempts' : 'unmeasured';
    return { stats: { successRatio: 1, rejectedRatio: refusedRatio }, policy, input: { ...base, source, successRatio: 1, meanMs: 0, refusedRatio } };
  }
  const refusedRatio = m.calls > 0 ? Math.min(1, m.refused / m.calls) : 0;
  const ok = m.attemptCodes.OK ?? 0;
  if (e.callee.stages.length === 0) {
    const timedOut = policy.timeoutMs !== undefined ? (m.attemptCodes.DeadlineExceeded ?? 0) : 0;
    const inTime = m.attempts - timedOut;
    // Failures past the timeout come from the latency; the success ratio is that of the attempts in time.
    const successRatio = inTime > 0 ? ok / inTime : 1;
    const latency = attemptLatency(m.attemptBuckets, timedOut, policy.timeoutMs);
    const stats: EdgeStats = { successRatio, ...(latency ? { latency } : {}), rejectedRatio: refusedRatio };
    return { stats, policy, input: { ...base, source: 'attempts', successRatio, meanMs: latency?.mean ?? 0, refusedRatio } };
  }
  // A caller of others: what its own calls predict is divided (success) or subtracted (latency) out.
  const below = predictTree(e.callee, model, { trials: INNER_TRIALS });
  const attemptSuccess = ok / m.attempts;
  const successRatio = below.availability > 0.01 ? Math.min(1, attemptSuccess / below.availability) : 1;
  const ownMs = Math.max(0, (m.attemptMeanMs ?? 0) - below.latencyMs.mean);
  const stats: EdgeStats = { successRatio, latency: constantDistribution(ownMs), rejectedRatio: refusedRatio };
  return { stats, policy, input: { ...base, source: 'own', successRatio, meanMs: ownMs, refusedRatio } };
}

/** The caller's policy towards one downstream method, as the model applies it. */
function policyOf(settings: SystemSettings, downstream: BackendName, method: string, m: EdgeMeasurement | undefined, budgetShare: number): CallPolicy {
  if (settings.mode !== 'code' && settings.mode !== 'both') return {};
  const options = settings.policy(downstream);
  const timeoutMs = options.attemptTimeoutMs > 0 ? options.attemptTimeoutMs : undefined;
  const idempotent = idempotencyOf(`/${SERVICES[downstream].grpcService}/${method}`) !== 'IDEMPOTENCY_UNKNOWN';
  if (!idempotent || options.maxRetries === 0) return timeoutMs === undefined ? {} : { timeoutMs };
  return {
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    retry: {
      maxAttempts: 1 + options.maxRetries,
      retryableRatio: retryableShare(m),
      backoffMs: options.backoffInitialMs,
      backoffMultiplier: 2,
      retryOnTimeout: true,
      budgetRatio: budgetShare,
    },
  };
}

/** Among failed attempts that did not time out, the share with a retryable code. */
function retryableShare(m: EdgeMeasurement | undefined): number {
  if (!m) return 1;
  let failed = 0;
  let retryable = 0;
  for (const [code, n] of Object.entries(m.attemptCodes)) {
    if (code === 'OK' || code === 'DeadlineExceeded') continue;
    failed += n;
    if (RETRYABLE.has(code)) retryable += n;
  }
  return failed > 0 ? retryable / failed : 1;
}
