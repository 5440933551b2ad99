import type { CompiledCall, CompiledNode } from './compileTree';

/**
 * The exact availability of a compiled tree under independence, or undefined
 * where none exists in closed form. A node succeeds when every call without a
 * fallback does: the product of their success probabilities. A call with up to
 * k attempts, each succeeding with probability a and failing retryably with
 * probability ρ, succeeds with probability a · (1 − ρᵏ) / (1 − ρ). With no
 * timeout, a = s · A(callee) and ρ = (1 − a) · r. With a timeout T on a call to
 * a leaf, a = F(T) · s and ρ = (1 − F(T)) · [timeouts retried] + F(T) · (1 − s) · r,
 * F being the hop's latency CDF. A retry budget letting a share b of retries
 * through scales ρ by b; a share r of calls refused before any attempt scales
 * the call's success by (1 − r). A timeout above a deeper subtree (or above a
 * callee with its own service time) needs the subtree's latency distribution:
 * undefined, left to Monte Carlo.
 */
export function closedFormAvailability(root: CompiledNode): number | undefined {
  return nodeAvailability(root);
}

function nodeAvailability(node: CompiledNode): number | undefined {
  let product = 1;
  for (const stage of node.stages) {
    for (const call of stage) {
      if (call.fallback) continue;
      const s = callAvailability(call);
      if (s === undefined) return undefined;
      product *= s;
    }
  }
  return product;
}

function callAvailability(call: CompiledCall): number | undefined {
  const attempt = attemptOdds(call);
  if (!attempt) return undefined;
  const a = attempt.success;
  const rho = attempt.retryable * call.budgetRatio;
  const k = call.maxAttempts;
  return (1 - call.rejectedRatio) * (rho === 1 ? 0 : (a * (1 - rho ** k)) / (1 - rho));
}

/** Probabilities that one attempt succeeds, and that it fails retryably. */
function attemptOdds(call: CompiledCall): { success: number; retryable: number } | undefined {
  const s = call.successRatio;
  const r = call.retryableRatio;
  if (call.timeoutMs === undefined) {
    const below = call.callee ? nodeAvailability(call.callee) : 1;
    if (below === undefined) return undefined;
    const a = s * below;
    return { success: a, retryable: (1 - a) * r };
  }
  if (call.callee) return undefined;
  const inTime = call.latency ? call.latency.cdf(call.timeoutMs) : 1;
  return {
    success: inTime * s,
    retryable: (1 - inTime) * (call.retryOnTimeout ? 1 : 0) + inTime * (1 - s) * r,
  };
}
