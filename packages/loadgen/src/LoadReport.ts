/** Latency quantiles of a run, in milliseconds (HdrHistogram, 3 significant digits). */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** What a load run measured. JSON-safe: the experiment runner stores it as is. */
export interface LoadReport {
  /** 'open': arrivals at a set rate, latency from the intended send time; 'closed': N workers back to back. */
  mode: 'open' | 'closed';
  target: string;
  /** ISO time the run started. */
  startedAt: string;
  /** Open loop: how arrivals were spaced. */
  arrival?: 'fixed' | 'poisson';
  /** Open loop: the rate asked, requests/s. */
  rateAsked?: number;
  /** Closed loop: the number of workers. */
  concurrency?: number;
  /** Requests sent per second over the send window (first intended send to last actual send). */
  rateAchieved: number;
  /** Requests completed per second over the whole run, drain included. */
  throughput: number;
  /** Wall time of the whole run, drain included, ms. */
  durationMs: number;
  /** Wall time over which requests were sent, ms. */
  sendWindowMs: number;
  requests: {
    /** Open loop: requests the schedule asked for. */
    intended?: number;
    sent: number;
    /** Sent requests that ended (successfully or not) before the run ended. */
    completed: number;
    ok: number;
    failed: number;
    /** Open loop: intended requests never sent (the generator gave up on them). */
    missed: number;
  };
  /** ok / completed (0 when nothing completed). */
  successRatio: number;
  /** Completed requests by HTTP status, gRPC code name, or client error ('TIMEOUT', 'ECONNREFUSED'). */
  codes: Record<string, number>;
  /**
   * Latency of every completed request (failures included), ms. Open loop: from the
   * intended send time, so queueing in the generator and the system is never hidden
   * (coordinated omission corrected). Closed loop: from the actual send.
   */
  latencyMs: LatencySummary;
  /** Open loop: how late sends left versus their intended time, ms. */
  sendLagMs?: LatencySummary;
  /** Open loop: true when the generator did not sustain the rate asked (see `fellBehindReasons`). */
  fellBehind: boolean;
  fellBehindReasons: string[];
  /** `latencyMs` as an HdrHistogram (V2 compressed, base64), values in microseconds. */
  latencyHistogram: string;
}
