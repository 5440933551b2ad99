import { decodeFromCompressedBase64, JsHistogram, type Histogram } from 'hdr-histogram-js';
import type { Distribution } from './Distribution';
import { discreteDistribution } from './discreteDistribution';

/** Options of {@link distributionFromHistogram}. */
export interface HistogramUnits {
  /** Milliseconds per histogram unit; default 0.001 (values in µs, as the load generator records). */
  msPerUnit?: number;
}

/**
 * A distribution over an HdrHistogram's recorded values (each at the highest
 * value equivalent to its bucket, as HdrHistogram reports percentiles), weighted
 * by their counts.
 * @throws TypeError for a WebAssembly histogram (build with `useWebAssembly: false`); RangeError if empty.
 */
export function distributionFromHistogram(histogram: Histogram, units: HistogramUnits = {}): Distribution {
  if (!(histogram instanceof JsHistogram)) {
    throw new TypeError('distributionFromHistogram needs a JavaScript HdrHistogram (build it with useWebAssembly: false)');
  }
  const msPerUnit = units.msPerUnit ?? 0.001;
  const values: number[] = [];
  const counts: number[] = [];
  const iterator = histogram.recordedValuesIterator;
  iterator.reset();
  while (iterator.hasNext()) {
    const v = iterator.next();
    values.push(v.valueIteratedTo * msPerUnit);
    counts.push(v.countAtValueIteratedTo);
  }
  return discreteDistribution(values, counts);
}

/** The same, from a V2 compressed base64 histogram (e.g. a load report's `latencyHistogram`, in µs). */
export function distributionFromEncodedHistogram(base64: string, units: HistogramUnits = {}): Distribution {
  return distributionFromHistogram(decodeFromCompressedBase64(base64), units);
}
