import type { Bucket } from '@govrnanza/chaincost';
import type { ExpositionSample } from '@govrnanza/telemetry';

const matches = (s: ExpositionSample, name: string, labels: Record<string, string>): boolean =>
  s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v);

/** The sum of the samples named `name` whose labels include `labels`. */
export function sumOf(samples: readonly ExpositionSample[], name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const s of samples) if (matches(s, name, labels)) total += s.value;
  return total;
}

/** The same sum, split by the value of one label (e.g. by grpc_code). */
export function sumBy(samples: readonly ExpositionSample[], name: string, labels: Record<string, string>, by: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (!matches(s, name, labels)) continue;
    const key = s.labels[by] ?? '';
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

/** The cumulative buckets of histogram `base` (its `_bucket` samples), summed over the matching series, ascending `le` (seconds). */
export function bucketsOf(samples: readonly ExpositionSample[], base: string, labels: Record<string, string> = {}): Bucket[] {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (!matches(s, `${base}_bucket`, labels)) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** The mean of histogram `base` in ms, exactly (its `_sum` / `_count`, seconds); undefined when nothing was observed. */
export function meanMsOf(samples: readonly ExpositionSample[], base: string, labels: Record<string, string> = {}): number | undefined {
  const count = sumOf(samples, `${base}_count`, labels);
  return count > 0 ? (sumOf(samples, `${base}_sum`, labels) / count) * 1000 : undefined;
}
