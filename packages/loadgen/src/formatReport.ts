import type { LatencySummary, LoadReport } from './LoadReport';

/** A short human summary of a load report (several lines, no trailing newline). */
export function formatReport(r: LoadReport): string {
  const lines = [
    `${r.mode === 'open' ? 'open loop' : 'closed loop'} → ${r.target}`,
    r.mode === 'open'
      ? `rate     asked ${num(r.rateAsked ?? 0)} req/s (${r.arrival}), achieved ${num(r.rateAchieved)} req/s`
      : `workers  ${r.concurrency}, throughput ${num(r.throughput)} req/s`,
    `requests ${r.requests.sent} sent, ${r.requests.completed} completed, ${r.requests.ok} ok` +
      (r.requests.missed > 0 ? `, ${r.requests.missed} missed` : '') +
      ` in ${(r.durationMs / 1000).toFixed(2)} s`,
    `success  ${(r.successRatio * 100).toFixed(3)}%   codes ${codes(r.codes)}`,
    `latency  ${quantiles(r.latencyMs)} ms` + (r.mode === 'open' ? ' (from intended send time)' : ''),
  ];
  if (r.sendLagMs) lines.push(`send lag ${quantiles(r.sendLagMs)} ms`);
  if (r.fellBehind) lines.push(`FELL BEHIND: ${r.fellBehindReasons.join('; ')}`);
  return lines.join('\n');
}

function quantiles(s: LatencySummary): string {
  return `p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  p99 ${ms(s.p99)}  p99.9 ${ms(s.p999)}  max ${ms(s.max)}`;
}

function codes(c: Record<string, number>): string {
  const entries = Object.entries(c);
  return entries.length === 0 ? '(none)' : entries.map(([k, v]) => `${k}=${v}`).join(' ');
}

const num = (n: number): string => n.toFixed(1);
const ms = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(2));
