import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from './LoadReport';
import type { RequestOutcome } from './LoadTarget';

/** Histogram values are microseconds: sub-millisecond resolution for ms reports. */
const MICROS_PER_MS = 1000;

/** A histogram of durations in µs, 3 significant digits, growing as needed. */
export function microsHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

/** The summary (ms) of a histogram of µs. */
export function summarizeMicros(histogram: Histogram): LatencySummary {
  const empty = histogram.totalCount === 0;
  const ms = (us: number): number => (empty ? 0 : us / MICROS_PER_MS);
  return {
    count: histogram.totalCount,
    min: ms(histogram.minNonZeroValue > histogram.maxValue ? 0 : histogram.minNonZeroValue),
    mean: ms(histogram.mean),
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
  };
}

/** Collects the outcomes, latencies and send lags of one run. */
export class RunRecorder {
  readonly latency = microsHistogram();
  readonly sendLag = microsHistogram();
  readonly codes = new Map<string, number>();
  ok = 0;
  failed = 0;

  /** Records one completed request and its latency in ms. */
  recordOutcome(outcome: RequestOutcome, latencyMs: number): void {
    this.latency.recordValue(toMicros(latencyMs));
    this.codes.set(outcome.code, (this.codes.get(outcome.code) ?? 0) + 1);
    if (outcome.ok) this.ok++;
    else this.failed++;
  }

  /** Records how late (ms) a send left versus its intended time. */
  recordSendLag(lagMs: number): void {
    this.sendLag.recordValue(toMicros(lagMs));
  }

  get completed(): number {
    return this.ok + this.failed;
  }

  codesObject(): Record<string, number> {
    return Object.fromEntries([...this.codes.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  encodedLatency(): string {
    return encodeIntoCompressedBase64(this.latency);
  }
}

function toMicros(ms: number): number {
  return Math.max(0, Math.round(ms * MICROS_PER_MS));
}
