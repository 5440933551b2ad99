/**
 * PromQL building blocks shared by the recording rules and the dashboards, so
 * a success ratio or a quantile is spelled the same way everywhere.
 */

/**
 * gRPC codes (spelled as go-grpc-prometheus spells them) that count as a
 * failure of the callee: server faults and transport errors. Caller errors
 * (InvalidArgument, NotFound, AlreadyExists), business outcomes
 * (FailedPrecondition: org frozen; ResourceExhausted: plan limit reached) and
 * Canceled (a hedge's losing attempt, or the caller giving up) are not.
 */
export const FAILURE_CODES = ['Unknown', 'DeadlineExceeded', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss'] as const;

/** Regex over `grpc_code` matching {@link FAILURE_CODES}. */
export const FAILURE_CODE_REGEX = FAILURE_CODES.join('|');

/**
 * Regex over the gateway's `code` label (HTTP status) for a failed request:
 * 5xx only. 4xx are the caller's outcome, including 402 (org frozen, a billing
 * decision) and 429 (the org's plan limit reached); load shedding by the
 * gateway must answer 503, not 429, to count against availability.
 */
export const HTTP_FAILURE_REGEX = '5..';

/** `label="value"`, with the value escaped for a PromQL string. */
export function eq(label: string, value: string): string {
  return `${label}="${escape(value)}"`;
}

/** `label=~"regex"`. */
export function re(label: string, regex: string): string {
  return `${label}=~"${escape(regex)}"`;
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** A vector selector: `metric{m1,m2}` (or just `metric`). */
export function sel(metric: string, ...matchers: string[]): string {
  return matchers.length ? `${metric}{${matchers.join(',')}}` : metric;
}

/** `sum by (labels) (rate(selector[window]))`. */
export function sumRate(selector: string, by: readonly string[], window: string): string {
  return `sum by (${by.join(', ')}) (rate(${selector}[${window}]))`;
}

/**
 * Fraction of events that failed, per `by`. Yields 0 (not an empty result)
 * when there were events but none failed, and NaN when there were no events.
 */
export function failureRatio(metric: string, base: string[], failure: string, by: readonly string[], window: string): string {
  const total = sumRate(sel(metric, ...base), by, window);
  const failed = sumRate(sel(metric, ...base, failure), by, window);
  return `(${failed} or ${total} * 0) / ${total}`;
}

/** 1 − {@link failureRatio}. */
export function successRatio(metric: string, base: string[], failure: string, by: readonly string[], window: string): string {
  return `1 - (${failureRatio(metric, base, failure, by, window)})`;
}

/** `histogram_quantile(q, …)` over a histogram's buckets, aggregated per `by`. */
export function quantile(q: number, histogram: string, base: string[], by: readonly string[], window: string): string {
  return `histogram_quantile(${q}, ${sumRate(sel(`${histogram}_bucket`, ...base), [...by, 'le'], window)})`;
}

/** Mean of a histogram's observations over the window, per `by` (seconds for a seconds histogram). */
export function mean(histogram: string, base: string[], by: readonly string[], window: string): string {
  return `${sumRate(sel(`${histogram}_sum`, ...base), by, window)} / ${sumRate(sel(`${histogram}_count`, ...base), by, window)}`;
}
