import { edgeNames } from './names';
import type { RuleFile } from './ruleTypes';

/** Retry amplification above which a retry storm is suspected (attempts ÷ logical calls). */
export const AMPLIFICATION_ALERT_RATIO = 1.5;

/** Alerts on the resilience mechanisms themselves: a breaker held open, a retry storm. */
export function resilienceRules(): RuleFile {
  return {
    groups: [
      {
        name: 'govrnanza-resilience-alerts',
        rules: [
          {
            alert: 'CircuitBreakerOpen',
            expr: 'max by (service, downstream) (govrnanza_circuit_breaker_state) == 2',
            for: '1m',
            labels: { severity: 'ticket' },
            annotations: {
              summary: '{{ $labels.service }} has cut off {{ $labels.downstream }}: its circuit breaker has been open for a minute',
              description: 'Calls from {{ $labels.service }} to {{ $labels.downstream }} fail fast or fall back. See the Resilience dashboard.',
            },
          },
          {
            alert: 'RetryAmplificationHigh',
            expr: `${edgeNames.amplification('edge', '5m')} > ${AMPLIFICATION_ALERT_RATIO}`,
            for: '5m',
            labels: { severity: 'ticket' },
            annotations: {
              summary: '{{ $labels.service }} sends {{ $value | humanize }} attempts per call to {{ $labels.downstream }}',
              description: 'Retries and hedges multiply the load on a downstream that is already failing or slow; check the retry budget and whether the mesh retries too.',
            },
          },
        ],
      },
    ],
  };
}
