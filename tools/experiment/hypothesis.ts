import type { BackendName } from '@govrnanza/topology';
import type { Probe, Quantile } from './experimentFile';

/** What one phase observed, as the probes read it. */
export interface PhaseObservation {
  /** By route id: success ratio and latency quantiles (ms) of the requests that completed. */
  routes: Readonly<Record<string, { availability: number; latencyMs: Record<Quantile, number>; completed: number }>>;
  /** Attempts each back-end received per request sent to the gateway; absent without metrics. */
  attemptsPerRequest?: Readonly<Partial<Record<BackendName, number>>>;
}

/** One check of one probe. */
export interface ProbeResult {
  /** e.g. 'getApi availability' or 'profile attempts per request'. */
  subject: string;
  /** e.g. '≥ 99.9 %' or '≤ 300 ms'. */
  expected: string;
  /** e.g. '99.95 %', or 'not measured'. */
  observed: string;
  holds: boolean;
}

export const QUANTILE_LABEL: Record<Quantile, string> = { p50: 'p50', p90: 'p90', p99: 'p99', p999: 'p99.9' };

/** Checks every probe against a phase's observation; the hypothesis holds when every check does. */
export function evaluateHypothesis(probes: readonly Probe[], obs: PhaseObservation): { holds: boolean; results: ProbeResult[] } {
  const results: ProbeResult[] = [];
  for (const p of probes) {
    if (p.kind === 'service') {
      const seen = obs.attemptsPerRequest?.[p.service];
      results.push({
        subject: `${p.service} attempts per request`,
        expected: `≤ ${fmt(p.maxAttemptsPerRequest)}`,
        observed: seen === undefined ? 'not measured (no metrics)' : fmt(seen),
        holds: seen !== undefined && seen <= p.maxAttemptsPerRequest,
      });
      continue;
    }
    const route = obs.routes[p.route];
    const measured = route !== undefined && route.completed > 0;
    if (p.availability !== undefined) {
      results.push({
        subject: `${p.route} availability`,
        expected: `≥ ${percent(p.availability)}`,
        observed: measured ? percent(route.availability) : 'no request completed',
        holds: measured && route.availability >= p.availability,
      });
    }
    for (const [q, limit] of Object.entries(p.latencyMs) as [Quantile, number][]) {
      results.push({
        subject: `${p.route} ${QUANTILE_LABEL[q]}`,
        expected: `≤ ${fmt(limit)} ms`,
        observed: measured ? `${fmt(route.latencyMs[q])} ms` : 'no request completed',
        holds: measured && route.latencyMs[q] <= limit,
      });
    }
  }
  return { holds: results.every((r) => r.holds), results };
}

/** A ratio as a percentage with as many decimals as it needs to show a difference from 100 %. */
export function percent(ratio: number): string {
  const pct = ratio * 100;
  if (pct === 100 || pct === 0) return `${pct} %`;
  const digits = pct >= 99.99 ? 3 : pct >= 99 ? 2 : 1;
  return `${Number(pct.toFixed(digits))} %`;
}

/** A number with at most 3 significant decimals, trailing zeros dropped. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return String(Number(n.toFixed(digits)));
}
