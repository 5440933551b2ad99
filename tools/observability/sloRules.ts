import { HTTP_FAILURE_REGEX, eq, failureRatio, re, sel, sumRate } from './promql';
import { sloNames } from './names';
import { BURN_RATE_ALERTS, GATEWAY_SLOS, SLOW_SLO_WINDOWS, SLO_WINDOWS, type BurnRateAlert, type Slo } from './slo';
import type { AlertingRule, RecordingRule, RuleFile } from './ruleTypes';

const GATEWAY = eq('service', 'gateway');
const BY = ['service'];

/** Fraction of the gateway's requests over the window that were bad for this SLO. */
function errorRatioExpr(slo: Slo, w: string): string {
  if (slo.name === 'availability') {
    return failureRatio('http_server_requests_total', [GATEWAY], re('code', HTTP_FAILURE_REGEX), BY, w);
  }
  // A latency histogram's `le` buckets are cumulative: good = bucket at the bound.
  const good = sumRate(sel('http_server_request_duration_seconds_bucket', GATEWAY, eq('le', String(slo.thresholdSeconds))), BY, w);
  const all = sumRate(sel('http_server_request_duration_seconds_count', GATEWAY), BY, w);
  return `1 - ${good} / ${all}`;
}

function errorRatioRules(windows: readonly string[]): RecordingRule[] {
  return GATEWAY_SLOS.flatMap((slo) =>
    windows.map((w) => ({ record: sloNames.errorRatio(slo.name, w), expr: errorRatioExpr(slo, w), labels: { slo: slo.name } })),
  );
}

const title = (s: string): string => s[0]!.toUpperCase() + s.slice(1);

function burnRateAlert(slo: Slo, a: BurnRateAlert): AlertingRule {
  const budget = Number((1 - slo.objective).toFixed(6));
  const clauses = a.windows.map(({ long, short, factor }) => {
    const over = (w: string): string => `${sel(sloNames.errorRatio(slo.name, w), GATEWAY)} > (${factor} * ${budget})`;
    return `(\n  ${over(long)}\nand\n  ${over(short)}\n)`;
  });
  const windows = a.windows.map((x) => `${x.long}/${x.short} at ${x.factor}×`).join(', ');
  return {
    alert: `Gateway${title(slo.name)}ErrorBudgetBurn${a.speed}`,
    expr: clauses.join('\nor\n'),
    labels: { severity: a.severity, slo: slo.name },
    annotations: {
      summary: `The gateway burns its ${slo.name} error budget too fast (${windows})`,
      description: `SLO: ${slo.summary}. Error ratio over the long window: {{ $value | humanizePercentage }}. Check the Chain cost and Resilience dashboards.`,
    },
  };
}

/**
 * The gateway's SLOs: error ratios over every burn-rate window, and the
 * multi-window multi-burn-rate alerts. Long windows are evaluated every 30 s:
 * they move slowly and are costly to compute.
 */
export function sloRules(): RuleFile {
  const fast = SLO_WINDOWS.filter((w) => !SLOW_SLO_WINDOWS.includes(w));
  return {
    groups: [
      { name: 'govrnanza-slo-short-windows', rules: errorRatioRules(fast) },
      { name: 'govrnanza-slo-long-windows', interval: '30s', rules: errorRatioRules(SLOW_SLO_WINDOWS) },
      {
        name: 'govrnanza-slo-alerts',
        rules: GATEWAY_SLOS.flatMap((slo) => BURN_RATE_ALERTS.map((a) => burnRateAlert(slo, a))),
      },
    ],
  };
}
