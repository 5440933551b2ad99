/** Options of a RetryBudget. */
export interface RetryBudgetOptions {
  /** Retries allowed as a fraction of requests in the window. Default 0.2 (20 %). */
  ratio?: number;
  /** Retries always allowed per window, so that low traffic can still retry. Default 3. */
  minRetriesPerWindow?: number;
  /** Length of the sliding window in ms. Default 10 000. */
  windowMs?: number;
  /** Number of buckets the window is split into. Default 10. */
  buckets?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * A retry budget like Envoy's or gRPC's retry throttling: retries (and hedges)
 * stay under `ratio` × requests over a sliding window (plus a small floor), so
 * a dependency that is down sees at most ~(1 + ratio)× its normal traffic,
 * never a retry storm. One budget per downstream, shared by every call.
 */
export class RetryBudget {
  private readonly ratio: number;
  private readonly floor: number;
  private readonly bucketMs: number;
  private readonly requests: Float64Array;
  private readonly retries: Float64Array;
  private readonly now: () => number;
  private current = 0;
  private currentStart: number;

  constructor(options: RetryBudgetOptions = {}) {
    this.ratio = options.ratio ?? 0.2;
    this.floor = options.minRetriesPerWindow ?? 3;
    const buckets = options.buckets ?? 10;
    this.bucketMs = (options.windowMs ?? 10_000) / buckets;
    this.requests = new Float64Array(buckets);
    this.retries = new Float64Array(buckets);
    this.now = options.now ?? Date.now;
    this.currentStart = this.now();
  }

  /** Records a first attempt (a request). */
  recordRequest(): void {
    this.rotate();
    this.requests[this.current]! += 1;
  }

  /** Takes one retry from the budget; false when the budget is spent (then do not retry). */
  tryAcquire(): boolean {
    this.rotate();
    const allowed = this.ratio * sum(this.requests) + this.floor;
    if (sum(this.retries) + 1 > allowed) return false;
    this.retries[this.current]! += 1;
    return true;
  }

  /** Requests and retries currently in the window. */
  snapshot(): { requests: number; retries: number } {
    this.rotate();
    return { requests: sum(this.requests), retries: sum(this.retries) };
  }

  private rotate(): void {
    const elapsed = this.now() - this.currentStart;
    if (elapsed < this.bucketMs) return;
    const steps = Math.min(Math.floor(elapsed / this.bucketMs), this.requests.length);
    for (let i = 0; i < steps; i++) {
      this.current = (this.current + 1) % this.requests.length;
      this.requests[this.current] = 0;
      this.retries[this.current] = 0;
    }
    this.currentStart += Math.floor(elapsed / this.bucketMs) * this.bucketMs;
  }
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}
