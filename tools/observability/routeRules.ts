import { ROUTES, type Route } from '@govrnanza/topology';
import { predictionFactors, type ChainCall } from './chain';
import { edgeSeries } from './edgeRules';
import { HTTP_FAILURE_REGEX, eq, mean, quantile, re, sel, successRatio, sumRate } from './promql';
import { LEVEL_LABELS, LIVE_WINDOWS, QUANTILES, edgeNames, routeNames } from './names';
import type { RecordingRule, RuleFile } from './ruleTypes';

const BY = LEVEL_LABELS.route;
const GATEWAY = eq('service', 'gateway');

/** Observed traffic, availability and latency of every route, per window. */
function observedRules(w: string): RecordingRule[] {
  const rules: RecordingRule[] = [
    { record: routeNames.requests(w), expr: sumRate(sel('http_server_requests_total', GATEWAY), BY, w) },
    {
      record: routeNames.availability(w),
      expr: successRatio('http_server_requests_total', [GATEWAY], re('code', HTTP_FAILURE_REGEX), BY, w),
    },
    { record: routeNames.latencyMean(w), expr: mean('http_server_request_duration_seconds', [GATEWAY], BY, w) },
  ];
  for (const { name, q } of QUANTILES) {
    rules.push({ record: routeNames.latency(name, w), expr: quantile(q, 'http_server_request_duration_seconds', [GATEWAY], BY, w) });
  }
  return rules;
}

/**
 * One factor of a product. A conditional call (made on some requests only)
 * that saw no traffic in the window counts as 1 rather than emptying the product.
 */
function factor(c: ChainCall, ratio: string): string {
  const s = edgeSeries(ratio, c.caller, c.downstream, c.method);
  return c.conditional ? `(${s} or on () vector(1))` : s;
}

/**
 * The product of the route's factors' success ratios. PromQL has no product
 * over series, so the generator writes it out: `vector(1) * on () a * on () b`
 * (matching on no labels multiplies single series and drops their labels;
 * the rule's own labels name the route).
 */
export function productExpr(route: Route, ratio: string): string {
  const lines = predictionFactors(route).map((c) => `  * on () ${factor(c, ratio)}`);
  return ['vector(1)', ...lines].join('\n');
}

function predictedRules(w: string): RecordingRule[] {
  return ROUTES.flatMap((route) => {
    const labels = { service: 'gateway', route: route.template, method: route.method };
    return [
      { record: routeNames.predicted(w), expr: productExpr(route, edgeNames.success('edge_method', w)), labels },
      { record: routeNames.predictedPerAttempt(w), expr: productExpr(route, edgeNames.attemptSuccess('edge_method', w)), labels },
    ];
  });
}

/**
 * Per gateway route: observed availability and latency, and the availability
 * predicted from the success ratios of the calls it makes (one rule per route,
 * generated from the topology). The predictions read the edge series, so they
 * live in a group evaluated after the edge groups' first evaluations.
 */
export function routeRules(): RuleFile {
  return {
    groups: [
      { name: 'govrnanza-routes', rules: LIVE_WINDOWS.flatMap(observedRules) },
      { name: 'govrnanza-routes-predicted', rules: LIVE_WINDOWS.flatMap(predictedRules) },
    ],
  };
}
