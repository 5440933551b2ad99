import { SERVICES } from '@govrnanza/topology';
import { edgeNames } from '../names';
import { quantile, sel, sumRate } from '../promql';
import { customVariable, dashboard, heatmap, row, stateTimeline, timeseries, type Dashboard, type RowSpec } from './grafana';

const W = '$__rate_interval';
const SVC = 'service=~"$service"';
const EDGE = ['service', 'downstream'];
const EDGE_LEGEND = '{{service}} → {{downstream}}';
const METHOD_LEGEND = '{{service}} → {{downstream}} {{grpc_method}}';

const perSecond = (title: string, metric: string, by: string[], legend: string, description?: string) =>
  timeseries(title, [{ expr: sumRate(sel(metric, SVC), by, W), legend }], { unit: 'ops', ...(description ? { description } : {}) });

function breakers(): RowSpec {
  return row('Circuit breakers', [
    stateTimeline(
      'Breaker state',
      [{ expr: `max by (service, downstream) (${sel('govrnanza_circuit_breaker_state', SVC)})`, legend: EDGE_LEGEND }],
      [
        [0, 'closed', 'green'],
        [1, 'half-open', 'yellow'],
        [2, 'open', 'red'],
      ],
    ),
    timeseries(
      'Breaker transitions',
      [{ expr: `sum by (service, downstream, state) (increase(${sel('govrnanza_circuit_breaker_transitions_total', SVC)}[${W}]))`, legend: `${EDGE_LEGEND} {{state}}` }],
      { unit: 'short', description: 'Transitions into each state per interval.' },
    ),
  ]);
}

function retries(): RowSpec {
  const byMethod = [...EDGE, 'grpc_method'];
  return row('Retries and hedges', [
    perSecond('Retries/s', 'govrnanza_client_retries_total', byMethod, METHOD_LEGEND),
    perSecond('Hedges/s', 'govrnanza_client_hedges_total', byMethod, METHOD_LEGEND),
    timeseries('Retry amplification: attempts ÷ logical calls (1m)', [{ expr: sel(edgeNames.amplification('edge', '1m'), SVC), legend: EDGE_LEGEND }], {
      unit: 'none',
      decimals: 2,
    }),
    perSecond('Retry budget exhausted/s', 'govrnanza_retry_budget_exhausted_total', EDGE, EDGE_LEGEND, 'Retries refused because the retry budget was spent: a storm prevented.'),
    timeseries(
      'Success ratio: logical calls vs attempts (1m)',
      [
        { expr: sel(edgeNames.success('edge', '1m'), SVC), legend: `${EDGE_LEGEND} calls` },
        { expr: sel(edgeNames.attemptSuccess('edge', '1m'), SVC), legend: `${EDGE_LEGEND} attempts` },
      ],
      { unit: 'percentunit', max: 1, w: 24, description: 'The gap is what retries and hedges buy.' },
    ),
  ]);
}

function degradation(): RowSpec {
  return row('Fallbacks, fail-open, bulkheads', [
    perSecond('Fallbacks/s by part and reason', 'govrnanza_fallbacks_total', [...EDGE, 'part', 'reason'], `${EDGE_LEGEND} {{part}} ({{reason}})`, 'Degraded answers instead of failures.'),
    perSecond('Fail-open decisions/s', 'govrnanza_fail_open_decisions_total', [...EDGE, 'decision'], `${EDGE_LEGEND} {{decision}}`, 'Account unavailable: allow (fail open) or deny (fail closed).'),
    perSecond('Bulkhead rejections/s', 'govrnanza_bulkhead_rejections_total', EDGE, EDGE_LEGEND),
  ]);
}

function deadlines(): RowSpec {
  const budget = 'govrnanza_client_budget_left_seconds';
  return row('Deadlines and time budget', [
    perSecond('Deadline exceeded/s', 'govrnanza_client_deadline_exceeded_total', [...EDGE, 'grpc_method'], METHOD_LEGEND),
    timeseries(
      'Budget left when calling (p10, p50)',
      [
        { expr: quantile(0.1, budget, [SVC], EDGE, W), legend: `p10 ${EDGE_LEGEND}`, exemplar: true },
        { expr: quantile(0.5, budget, [SVC], EDGE, W), legend: `p50 ${EDGE_LEGEND}` },
      ],
      { unit: 's', description: 'What was left of the request\'s time budget when each call started; near zero means the chain is about to time out.' },
    ),
    heatmap('Budget left heatmap', sumRate(sel(`${budget}_bucket`, SVC), ['le'], W), { w: 24 }),
  ]);
}

function faults(): RowSpec {
  return row('Faults injected', [
    perSecond('Faults injected/s', 'govrnanza_faults_injected_total', ['service', 'grpc_method', 'kind'], '{{service}} {{grpc_method}} {{kind}}', 'Chaos experiments: delay, abort, drop.'),
  ]);
}

/** Resilience: what each mechanism did, over time. */
export function resilienceDashboard(): Dashboard {
  return dashboard({
    uid: 'govrnanza-resilience',
    title: 'Govrnanza / Resilience',
    description: 'Breaker states, retries and hedges, retry budget, fallbacks, fail-open decisions, bulkheads, deadlines and the time budget left, faults injected.',
    variables: [customVariable('service', 'Caller', Object.keys(SERVICES))],
    rows: [breakers(), retries(), degradation(), deadlines(), faults()],
  });
}
