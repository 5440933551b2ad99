import type { Prediction } from './predictTree';

/** What a run observed, e.g. from a load report: availability (success ratio) and latency quantiles, ms. */
export interface Observed {
  availability?: number;
  p50?: number;
  p90?: number;
  p99?: number;
  p999?: number;
}

/** One metric, predicted next to observed. */
export interface MetricComparison {
  metric: 'availability' | 'unavailability' | 'p50' | 'p90' | 'p99' | 'p999';
  predicted: number;
  observed: number;
  /** (predicted − observed) / observed; null when observed is 0 and predicted is not. */
  relativeError: number | null;
}

/**
 * Puts a prediction next to observed figures, metric by metric, with the
 * signed relative error. Unavailability (1 − availability) is compared too:
 * 99.0% against 99.5% is a 0.5% error in availability but a 100% error in
 * downtime, which is what a chain multiplies.
 */
export function compareWithObserved(prediction: Prediction, observed: Observed): MetricComparison[] {
  const out: MetricComparison[] = [];
  const add = (metric: MetricComparison['metric'], predicted: number, seen: number | undefined): void => {
    if (seen !== undefined) out.push({ metric, predicted, observed: seen, relativeError: relativeError(predicted, seen) });
  };
  add('availability', prediction.availability, observed.availability);
  add('unavailability', 1 - prediction.availability, observed.availability === undefined ? undefined : 1 - observed.availability);
  for (const q of ['p50', 'p90', 'p99', 'p999'] as const) add(q, prediction.latencyMs[q], observed[q]);
  return out;
}

/** The observed figures of a load report (its success ratio and latency quantiles). */
export function observedFromLoadReport(report: {
  successRatio: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number };
}): Observed {
  const { p50, p90, p99, p999 } = report.latencyMs;
  return { availability: report.successRatio, p50, p90, p99, p999 };
}

function relativeError(predicted: number, observed: number): number | null {
  if (observed === 0) return predicted === 0 ? 0 : null;
  return (predicted - observed) / observed;
}
