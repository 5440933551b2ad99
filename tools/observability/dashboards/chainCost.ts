import { ROUTES, type Route } from '@govrnanza/topology';
import { callLabel, predictionFactors, routeChain } from '../chain';
import { edgeSeries } from '../edgeRules';
import { edgeNames, routeNames } from '../names';
import { eq, quantile, sel } from '../promql';
import { barGauge, dashboard, row, timeseries, type Dashboard, type Query, type RowSpec } from './grafana';

const ROUTE_LEGEND = '{{method}} {{route}}';
const EDGE_LEGEND = '{{service}} → {{downstream}}';

function routeSeries(name: string, r: Route): string {
  return sel(name, eq('service', 'gateway'), eq('route', r.template), eq('method', r.method));
}

function overview(): RowSpec {
  return row('All routes', [
    timeseries('Observed availability by route (1m)', [{ expr: routeNames.availability('1m'), legend: ROUTE_LEGEND }], {
      unit: 'percentunit',
      max: 1,
      description: 'Fraction of requests that did not answer 5xx (4xx, including 402 and 429, are the caller\'s outcome).',
    }),
    timeseries('Predicted availability by route (1m)', [{ expr: routeNames.predicted('1m'), legend: ROUTE_LEGEND }], {
      unit: 'percentunit',
      max: 1,
      description: 'Product of the success ratios of the calls each route makes: what the chain would give if no fallback masked a failure.',
    }),
    barGauge(
      'What fallbacks buy: observed − predicted availability (5m)',
      [{ expr: `${routeNames.availability('5m')} - ${routeNames.predicted('5m')}`, legend: ROUTE_LEGEND }],
      { unit: 'percentunit', description: 'Positive: the route is more available than its chain. Negative: failures in the gateway itself.' },
    ),
    timeseries('End-to-end p99 by route (1m)', [{ expr: routeNames.latency('p99', '1m'), legend: ROUTE_LEGEND }], { unit: 's' }),
    timeseries('Retry amplification by edge (1m)', [{ expr: edgeNames.amplification('edge', '1m'), legend: EDGE_LEGEND }], {
      unit: 'none',
      decimals: 2,
      description: 'Attempts on the wire ÷ logical calls. 1 = no retries or hedges; both code and mesh retrying multiply.',
    }),
    timeseries(
      'Edge success ratio: logical calls vs attempts (1m)',
      [
        { expr: edgeNames.success('edge', '1m'), legend: `${EDGE_LEGEND} calls` },
        { expr: edgeNames.attemptSuccess('edge', '1m'), legend: `${EDGE_LEGEND} attempts` },
      ],
      { unit: 'percentunit', max: 1, description: 'The gap between the two is what retries and hedges buy.' },
    ),
  ]);
}

function routeRow(r: Route): RowSpec {
  const chain = routeChain(r);
  const factors = predictionFactors(r).map(callLabel).join(' × ');
  const observed = routeSeries(routeNames.availability('1m'), r);
  const e2eP99 = quantile(
    0.99,
    'http_server_request_duration_seconds',
    [eq('service', 'gateway'), eq('route', r.template), eq('method', r.method)],
    [],
    '$__rate_interval',
  );
  const hop = (name: string) => chain.map((c): Query => ({ expr: edgeSeries(name, c.caller, c.downstream, c.method), legend: callLabel(c) }));
  return row(
    `${r.method} ${r.template}`,
    [
      timeseries(
        'Availability: observed vs predicted (1m)',
        [
          { expr: observed, legend: 'observed' },
          { expr: routeSeries(routeNames.predicted('1m'), r), legend: 'predicted (calls)' },
          { expr: routeSeries(routeNames.predictedPerAttempt('1m'), r), legend: 'predicted without retries (attempts)' },
        ],
        { unit: 'percentunit', max: 1, w: 6, description: `Predicted = ${factors}.` },
      ),
      timeseries('p99: end to end vs each hop', [{ expr: e2eP99, legend: 'end to end', exemplar: true }, ...hop(edgeNames.latency('edge_method', 'p99', '1m'))], {
        unit: 's',
        w: 6,
        description: 'Each hop is a logical call as its caller saw it (retries included). Exemplars link to traces.',
      }),
      barGauge('Where the time goes (mean, 5m)', [{ expr: routeSeries(routeNames.latencyMean('5m'), r), legend: 'end to end' }, ...hop(edgeNames.latencyMean('edge_method', '5m'))], {
        unit: 's',
        w: 6,
        description: 'Mean latency of the request and of each call it makes; calls in one stage run in parallel, stages one after another.',
      }),
      timeseries('Retry amplification of its calls (1m)', hop(edgeNames.amplification('edge_method', '1m')), { unit: 'none', decimals: 2, w: 6 }),
    ],
    true,
  );
}

/** Chain cost: per route, what the synchronous chain costs in availability and latency. */
export function chainCostDashboard(): Dashboard {
  return dashboard({
    uid: 'govrnanza-chain-cost',
    title: 'Govrnanza / Chain cost',
    description: 'Per gateway route: observed vs predicted availability, end-to-end p99 vs each hop, where the time goes, retry amplification.',
    rows: [overview(), ...ROUTES.map(routeRow)],
  });
}
