import type { ExpositionSample } from '@govrnanza/telemetry';

/** Sample names that only ever grow (counters and the parts of a histogram): their window is after − before. */
const CUMULATIVE = /(_total|_bucket|_sum|_count)$/;

/** A series' identity: its name and labels (in a stable order). */
export function seriesKey(s: Pick<ExpositionSample, 'name' | 'labels'>): string {
  const labels = Object.keys(s.labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(s.labels[k])}`)
    .join(',');
  return `${s.name}{${labels}}`;
}

/**
 * What happened between two scrapes of the same processes: for counters and
 * histogram parts, after − before (a series absent before counts from 0; one
 * that went down was reset, e.g. a restarted process, and counts from 0 too);
 * gauges keep their value after.
 */
export function diffSamples(before: readonly ExpositionSample[], after: readonly ExpositionSample[]): ExpositionSample[] {
  const earlier = new Map(before.map((s) => [seriesKey(s), s.value]));
  return after.map((s) => {
    if (!CUMULATIVE.test(s.name)) return { name: s.name, labels: s.labels, value: s.value };
    const was = earlier.get(seriesKey(s)) ?? 0;
    return { name: s.name, labels: s.labels, value: s.value >= was ? s.value - was : s.value };
  });
}
