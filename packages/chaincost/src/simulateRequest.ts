import type { CompiledCall, CompiledNode } from './compileTree';

/** The outcome of one simulated request or call. */
export interface SimulatedOutcome {
  ok: boolean;
  latencyMs: number;
}

/**
 * One Monte Carlo draw of a request through a compiled tree. The node does its
 * own work (service time), then its stages in order; within a stage the calls
 * run in parallel and the stage lasts as long as the slowest. A call that fails
 * without a fallback fails the node at once (as `Promise.all` does), at the
 * earliest such failure; a call with a fallback never fails the node, but its
 * latency still counts. Every draw is independent.
 */
export function simulateRequest(node: CompiledNode, random: () => number): SimulatedOutcome {
  let t = node.serviceTime ? node.serviceTime.sample(random) : 0;
  for (const stage of node.stages) {
    let stageMs = 0;
    let failedAt = Infinity;
    for (const call of stage) {
      const r = simulateCall(call, random);
      if (!r.ok && !call.fallback) failedAt = Math.min(failedAt, r.latencyMs);
      else stageMs = Math.max(stageMs, r.latencyMs);
    }
    if (failedAt !== Infinity) return { ok: false, latencyMs: t + failedAt };
    t += stageMs;
  }
  return { ok: true, latencyMs: t };
}

/**
 * One call with its policy: each attempt takes the hop's latency plus the
 * callee's (unless the edge is inclusive) and succeeds when the hop and the
 * callee both do; an attempt slower than the timeout fails at the timeout.
 * Retryable failures are retried after the backoff, up to `maxAttempts`, each
 * retry only if the retry budget lets it through. A call the caller's own
 * policies refuse (open breaker, full bulkhead) fails at once.
 */
export function simulateCall(call: CompiledCall, random: () => number): SimulatedOutcome {
  if (call.rejectedRatio > 0 && random() < call.rejectedRatio) return { ok: false, latencyMs: 0 };
  let total = 0;
  for (let attempt = 1; ; attempt++) {
    let ms = call.latency ? call.latency.sample(random) : 0;
    let ok = random() < call.successRatio;
    if (call.callee) {
      const below = simulateRequest(call.callee, random);
      ms += below.latencyMs;
      ok = ok && below.ok;
    }
    let retryable: boolean;
    if (call.timeoutMs !== undefined && ms > call.timeoutMs) {
      ms = call.timeoutMs;
      ok = false;
      retryable = call.retryOnTimeout;
    } else {
      retryable = !ok && random() < call.retryableRatio;
    }
    total += ms;
    if (ok) return { ok: true, latencyMs: total };
    if (!retryable || attempt >= call.maxAttempts) return { ok: false, latencyMs: total };
    if (call.budgetRatio < 1 && random() >= call.budgetRatio) return { ok: false, latencyMs: total };
    total += call.backoffMs[attempt - 1]!;
  }
}
