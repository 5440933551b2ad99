import { SERVICES } from '@govrnanza/topology';
import { FAILURE_CODE_REGEX, HTTP_FAILURE_REGEX, failureRatio, quantile, re, sel, sumRate } from '../promql';
import { customVariable, dashboard, heatmap, row, timeseries, type Dashboard, type RowSpec } from './grafana';

const W = '$__rate_interval';
const SVC = 'service=~"$service"';
const FAILED = re('grpc_code', FAILURE_CODE_REGEX);

function inbound(): RowSpec {
  const by = ['service', 'grpc_method'];
  return row('Inbound gRPC (server)', [
    timeseries('Requests/s by method', [{ expr: sumRate(sel('grpc_server_started_total', SVC), by, W), legend: '{{service}} {{grpc_method}}' }], { unit: 'reqps' }),
    timeseries('Responses/s by code', [{ expr: sumRate(sel('grpc_server_handled_total', SVC), ['service', 'grpc_code'], W), legend: '{{service}} {{grpc_code}}' }], { unit: 'reqps' }),
    timeseries('Failure ratio by method', [{ expr: failureRatio('grpc_server_handled_total', [SVC], FAILED, by, W), legend: '{{service}} {{grpc_method}}' }], {
      unit: 'percentunit',
      description: `Failed = ${FAILURE_CODE_REGEX}; caller and business errors are not failures.`,
    }),
    timeseries(
      'Latency by method (p50, p99)',
      [
        { expr: quantile(0.99, 'grpc_server_handling_seconds', [SVC], by, W), legend: 'p99 {{service}} {{grpc_method}}', exemplar: true },
        { expr: quantile(0.5, 'grpc_server_handling_seconds', [SVC], by, W), legend: 'p50 {{service}} {{grpc_method}}' },
      ],
      { unit: 's' },
    ),
    heatmap('Latency heatmap', sumRate(sel('grpc_server_handling_seconds_bucket', SVC), ['le'], W), { w: 24 }),
  ]);
}

function outbound(): RowSpec {
  const by = ['service', 'downstream', 'grpc_method'];
  return row('Outbound calls (per downstream)', [
    timeseries('Logical calls/s by downstream and method', [{ expr: sumRate(sel('govrnanza_client_calls_total', SVC), by, W), legend: '{{service}} → {{downstream}} {{grpc_method}}' }], {
      unit: 'reqps',
    }),
    timeseries(
      'Failure ratio by downstream',
      [{ expr: failureRatio('govrnanza_client_calls_total', [SVC], FAILED, ['service', 'downstream'], W), legend: '{{service}} → {{downstream}}' }],
      { unit: 'percentunit', description: 'What the caller\'s code saw, after retries, hedges and the breaker.' },
    ),
    timeseries(
      'p99 by downstream: logical call vs one attempt',
      [
        { expr: quantile(0.99, 'govrnanza_client_call_seconds', [SVC], ['service', 'downstream'], W), legend: 'call {{service}} → {{downstream}}', exemplar: true },
        { expr: quantile(0.99, 'grpc_client_handling_seconds', [SVC], ['service', 'downstream'], W), legend: 'attempt {{service}} → {{downstream}}', exemplar: true },
      ],
      { unit: 's', w: 24 },
    ),
  ]);
}

function gatewayHttp(): RowSpec {
  const by = ['route', 'method'];
  return row('Gateway HTTP', [
    timeseries('Requests/s by route and status', [{ expr: sumRate(sel('http_server_requests_total', SVC), [...by, 'code'], W), legend: '{{method}} {{route}} {{code}}' }], {
      unit: 'reqps',
    }),
    timeseries('5xx ratio by route', [{ expr: failureRatio('http_server_requests_total', [SVC], re('code', HTTP_FAILURE_REGEX), by, W), legend: '{{method}} {{route}}' }], {
      unit: 'percentunit',
    }),
    timeseries('p99 by route', [{ expr: quantile(0.99, 'http_server_request_duration_seconds', [SVC], by, W), legend: '{{method}} {{route}}', exemplar: true }], {
      unit: 's',
      w: 24,
    }),
  ]);
}

function runtime(): RowSpec {
  return row('Node.js runtime', [
    timeseries('CPU (1 = one core)', [{ expr: sumRate(sel('process_cpu_seconds_total', SVC), ['service'], W), legend: '{{service}}' }], { unit: 'percentunit', w: 6 }),
    timeseries('Resident memory', [{ expr: `sum by (service) (${sel('process_resident_memory_bytes', SVC)})`, legend: '{{service}}' }], { unit: 'bytes', w: 6 }),
    timeseries('Heap used', [{ expr: `sum by (service) (${sel('nodejs_heap_size_used_bytes', SVC)})`, legend: '{{service}}' }], { unit: 'bytes', w: 6 }),
    timeseries('Event loop lag p99', [{ expr: `max by (service) (${sel('nodejs_eventloop_lag_p99_seconds', SVC)})`, legend: '{{service}}' }], { unit: 's', w: 6 }),
  ]);
}

/** Service RED: rate, errors and duration per service and method, with a `service` variable. */
export function serviceRedDashboard(): Dashboard {
  return dashboard({
    uid: 'govrnanza-service-red',
    title: 'Govrnanza / Service RED',
    description: 'Rate, errors and duration per service and method: inbound gRPC, outbound calls, the gateway\'s HTTP routes, the Node.js runtime.',
    variables: [customVariable('service', 'Service', Object.keys(SERVICES))],
    rows: [inbound(), outbound(), gatewayHttp(), runtime()],
  });
}
