/**
 * The assumptions behind every chain-cost prediction, for reports to print
 * next to it. The model is only as good as these hold:
 *
 * - Independence: every call's outcome and latency are drawn independently of
 *   every other call's, including the n calls of a fan-out and the attempts of
 *   a retry. Shared causes (one slow host, a GC pause, a saturated pool, a
 *   noisy neighbour) correlate them in reality; the model then overstates the
 *   tail amplification of fan-out and the benefit of retries.
 * - Stationarity: each edge behaves during the predicted period as it did when
 *   measured (same load, same faults, no warm-up or cool-down), and the load is
 *   low enough that the extra attempts from retries do not slow the callee.
 * - Structure: calls within a stage run in parallel and the stage lasts as long
 *   as its slowest call; stages run in series; a failing call without a
 *   fallback fails its caller at once; a failing call with a fallback ('degrade'
 *   or 'fail-open') does not, but its latency counts (capped by its timeout).
 * - Edges' figures are their own: a hop's measured success ratio and latency
 *   leave out its callee's downstream calls (modelled from the edges below)
 *   unless the edge is marked inclusive. Unmeasured edges are taken as ideal.
 * - Timeouts are per attempt; backoff is deterministic (no jitter); a timed-out
 *   attempt is retried unless the policy says otherwise. A retry budget lets a
 *   fixed share of retries through, each drawn independently; calls refused by
 *   the caller's breaker or bulkhead are a given share that fails at once.
 */
export const CHAIN_COST_ASSUMPTIONS = `Chain-cost model assumptions:
- Independence: every call's outcome and latency are independent of every other call's (fan-out calls and retry attempts included). Shared causes (a slow host, GC, a saturated pool) correlate them in reality, and the model then overstates fan-out tail amplification and retry benefit.
- Stationarity: each edge behaves as it did when measured (same load and faults), and retries' extra load does not slow the callee.
- Structure: calls in a stage run in parallel (the slowest sets the stage's time); stages run in series; a failed call without fallback fails its caller at once; a failed call with fallback (degrade, fail-open) does not, but its latency counts, capped by its timeout.
- An edge's figures are its own hop's (its callee's downstream calls are modelled from the edges below) unless marked inclusive; unmeasured edges count as ideal (always ok, 0 ms).
- Timeouts are per attempt; backoff is deterministic; timed-out attempts are retried unless the policy says otherwise; a retry budget lets a fixed share of retries through (each drawn independently); calls refused by the caller's breaker or bulkhead are a given share that fails at once.
- Availability is exact (closed form) where one exists; latency quantiles come from a seeded Monte Carlo simulation over the measured histograms.`;
