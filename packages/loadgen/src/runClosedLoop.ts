import { performance } from 'node:perf_hooks';
import { buildReport } from './buildReport';
import { checkRange } from './checkRange';
import type { LoadReport } from './LoadReport';
import type { LoadTarget } from './LoadTarget';
import { RunRecorder } from './RunRecorder';

/** Options of {@link runClosedLoop}. */
export interface ClosedLoopOptions {
  target: LoadTarget;
  /** Workers, each sending its next request as soon as the previous ends; default 16, at most 10 000. */
  concurrency?: number;
  /** No request starts after this, ms; default 10 000, at most 3 600 000. */
  durationMs?: number;
  /** At most this many requests in all; default unbounded (the duration bounds them). */
  maxRequests?: number;
  /** Per-request timeout, ms; default 5 000. */
  timeoutMs?: number;
  /** Stops starting new requests when aborted. */
  signal?: AbortSignal;
}

/**
 * Closed loop, for throughput benchmarks: `concurrency` workers send back to
 * back, as fast as the target answers. Latency runs from each actual send, so
 * this mode measures throughput, not the latency users would see at a given
 * rate: a stall delays only the requests in flight and hides the rest
 * (coordinated omission). Use {@link runOpenLoop} for latency.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<LoadReport> {
  const concurrency = checkRange('concurrency', options.concurrency ?? 16, 1, 10_000);
  const durationMs = checkRange('durationMs', options.durationMs ?? 10_000, 1, 3_600_000);
  const maxRequests = options.maxRequests === undefined ? Infinity : checkRange('maxRequests', options.maxRequests, 1, 1e9);
  const timeoutMs = checkRange('timeoutMs', options.timeoutMs ?? 5_000, 1, 600_000);
  await options.target.prepare?.(timeoutMs);
  const recorder = new RunRecorder();
  const startedAt = new Date().toISOString();
  const start = performance.now();
  const elapsed = (): number => performance.now() - start;
  let sent = 0;
  let lastSend = 0;
  const worker = async (): Promise<void> => {
    while (sent < maxRequests && elapsed() < durationMs && !options.signal?.aborted) {
      sent++;
      const begin = elapsed();
      lastSend = begin;
      const outcome = await options.target.send(timeoutMs);
      recorder.recordOutcome(outcome, elapsed() - begin);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const total = elapsed();
  return buildReport(recorder, {
    mode: 'closed',
    target: options.target.description,
    startedAt,
    concurrency,
    rateAchieved: total > 0 ? (sent * 1000) / total : 0,
    durationMs: total,
    sendWindowMs: lastSend,
    sent,
    missed: 0,
    fellBehindReasons: [],
  });
}
