/**
 * How the experiment runner turns a run's metrics into the chain-cost model's
 * inputs, for reports to print next to the model's own assumptions.
 */
export const RUNNER_ASSUMPTIONS = `How the runner builds the model's inputs from a run:
- Each edge is measured from its caller's metrics over the measured window (scraped before and after, diffed): the attempts on the wire (grpc_client_handled_total, grpc_client_handling_seconds) give the hop's own success ratio and latency; the logical calls (govrnanza_client_calls_total) give the share the caller's own breaker or bulkhead refused before any attempt.
- The model applies the caller's policy itself: 1 + maxRetries attempts for idempotent methods on retryable codes, the per-attempt timeout, backoff 25·2^i ms (no jitter), and the retry budget as the share of retries it let through (measured: govrnanza_client_retries_total against govrnanza_retry_budget_exhausted_total).
- An attempt cut by its timeout was recorded at the timeout; such attempts are placed just past it, so the model times them out again instead of counting them as successes.
- An edge to a service that calls others contributes only its own part: its attempts' success divided by the predicted availability of the calls it cannot do without, and a constant latency, its attempts' mean minus the predicted mean below it. The gateway's own time is the same kind of constant (its HTTP mean minus its calls' predicted mean).
- Latency histograms have Prometheus buckets (1, 2.5, 5, 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5, 10 s), read linearly within a bucket: an edge's quantiles are only as fine as its buckets.
- Not modelled: per-hop deadlines (only the gateway's end-to-end budget), the budget a fallback call keeps in reserve, waiting for a bulkhead slot, hedging, the breaker's dynamics (its refusals enter as a measured share), and contention for the CPU (five services and the load generator share this machine).`;
