/**
 * The gateway's service level objectives and the multi-window, multi-burn-rate
 * alerting policy of the Google SRE workbook (chapter "Alerting on SLOs"):
 * page when 2 % of a 30-day budget burns in an hour or 5 % in six hours,
 * open a ticket when 10 % burns in three days.
 */
export interface Slo {
  /** `availability` or `latency`; part of the recorded series' and alerts' names. */
  name: 'availability' | 'latency';
  /** Fraction of requests that must be good over 30 days, e.g. 0.995. */
  objective: number;
  /** For a latency SLO: the bound in seconds; must be a histogram bucket boundary. */
  thresholdSeconds?: number;
  summary: string;
}

/**
 * 300 ms is not a bucket boundary (…0.25, 0.5…), so the latency objective uses
 * 250 ms, the nearest boundary below: measured exactly, never interpolated.
 */
export const GATEWAY_SLOS: readonly Slo[] = [
  { name: 'availability', objective: 0.995, summary: '99.5 % of gateway requests do not fail with a 5xx status' },
  { name: 'latency', objective: 0.99, thresholdSeconds: 0.25, summary: '99 % of gateway requests complete within 250 ms' },
];

/** One pair of windows: both must burn faster than `factor` × the budget rate. */
export interface BurnRateWindows {
  long: string;
  short: string;
  factor: number;
}

export interface BurnRateAlert {
  /** Alert name suffix: `Fast` pages, `Slow` opens a ticket. */
  speed: 'Fast' | 'Slow';
  severity: 'page' | 'ticket';
  windows: readonly BurnRateWindows[];
}

export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  {
    speed: 'Fast',
    severity: 'page',
    windows: [
      { long: '1h', short: '5m', factor: 14.4 },
      { long: '6h', short: '30m', factor: 6 },
    ],
  },
  {
    speed: 'Slow',
    severity: 'ticket',
    windows: [
      { long: '1d', short: '2h', factor: 3 },
      { long: '3d', short: '6h', factor: 1 },
    ],
  },
];

/** Every window an SLO error ratio is recorded over, short ones first. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/** Windows long enough to be evaluated less often than the live ones. */
export const SLOW_SLO_WINDOWS: readonly string[] = ['2h', '6h', '1d', '3d'];
