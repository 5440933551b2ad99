import { distributionFromBuckets, type Bucket, type Distribution } from '@govrnanza/chaincost';

/**
 * The latency of one attempt on an edge, from its Prometheus buckets (`le` in
 * seconds), for a model that applies the attempt timeout itself.
 *
 * An attempt the caller's timeout cut short was recorded at the timeout, not
 * at the time it would have taken: fed as is, the model would see it succeed
 * just under the timeout. So with a timeout of `timeoutMs`, the `timedOut`
 * attempts (DEADLINE_EXCEEDED) are taken as the slowest ones and placed just
 * past the timeout, where the model times them out again; every other attempt
 * lies at or below it. Without a timeout the buckets are used as they are.
 * Undefined when nothing was observed.
 */
export function attemptLatency(buckets: readonly Bucket[], timedOut: number, timeoutMs: number | undefined): Distribution | undefined {
  const total = buckets.length > 0 ? buckets[buckets.length - 1]!.count : 0;
  if (!(total > 0)) return undefined;
  if (timeoutMs === undefined || timedOut <= 0) return distributionFromBuckets(buckets);
  const inTime = Math.max(0, total - Math.min(timedOut, total));
  const knots: Bucket[] = [];
  for (const b of buckets) {
    const ms = b.le * 1000;
    if (ms < timeoutMs) knots.push({ le: ms, count: Math.min(b.count, inTime) });
  }
  knots.push({ le: timeoutMs, count: inTime }, { le: timeoutMs + 1, count: total });
  return distributionFromBuckets(knots, { msPerUnit: 1 });
}
