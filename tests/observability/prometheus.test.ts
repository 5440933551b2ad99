/**
 * Proves the Prometheus harness and the rules on a real Prometheus: a fake
 * /metrics target (node:http, in this file) serves a few of the documented
 * series with counters that grow by fixed amounts per scrape, so every ratio
 * the rules record is known exactly.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allQueries } from '../../tools/observability/queries';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus';

interface Edge {
  service: string;
  downstream: string;
  method: string;
  /** Per scrape: logical calls OK / Unavailable, attempts OK / Unavailable. */
  calls: [number, number];
  attempts: [number, number];
}

// getApi = gateway→registry GetApi, registry→account GetOrganization (fail-open),
// registry→profile BatchGetProfiles (degrade): predicted 0.9 × 0.8 × 0.5.
const EDGES: Edge[] = [
  { service: 'gateway', downstream: 'registry', method: 'GetApi', calls: [9, 1], attempts: [9, 3] },
  { service: 'registry', downstream: 'account', method: 'GetOrganization', calls: [8, 2], attempts: [8, 2] },
  { service: 'registry', downstream: 'profile', method: 'BatchGetProfiles', calls: [5, 5], attempts: [5, 15] },
];
const SERVICE_NAMES: Record<string, string> = { registry: 'govrnanza.registry.v1.RegistryService', account: 'govrnanza.account.v1.AccountService', profile: 'govrnanza.profile.v1.ProfileService' };
const ROUTE = { route: '/v1/orgs/{org}/apis/{api}', method: 'GET' };

const labels = (o: Record<string, string>) => `{${Object.entries(o).map(([k, v]) => `${k}="${v}"`).join(',')}}`;

/** A histogram with every observation at `seconds` (the first bucket at or above it). */
function histogram(name: string, l: Record<string, string>, count: number, seconds: number): string[] {
  const bounds = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '+Inf'];
  return [
    ...bounds.map((le) => `${name}_bucket${labels({ ...l, le })} ${le === '+Inf' || Number(le) >= seconds ? count : 0}`),
    `${name}_sum${labels(l)} ${count * seconds}`,
    `${name}_count${labels(l)} ${count}`,
  ];
}

/** The exposition after the n-th scrape. */
function exposition(n: number): string {
  const lines: string[] = [];
  for (const e of EDGES) {
    const base = { service: e.service, downstream: e.downstream, grpc_method: e.method };
    const wire = { ...base, grpc_service: SERVICE_NAMES[e.downstream]!, grpc_type: 'unary' };
    lines.push(`govrnanza_client_calls_total${labels({ ...base, grpc_code: 'OK' })} ${e.calls[0] * n}`);
    lines.push(`govrnanza_client_calls_total${labels({ ...base, grpc_code: 'Unavailable' })} ${e.calls[1] * n}`);
    lines.push(`grpc_client_started_total${labels(wire)} ${(e.attempts[0] + e.attempts[1]) * n}`);
    lines.push(`grpc_client_handled_total${labels({ ...wire, grpc_code: 'OK' })} ${e.attempts[0] * n}`);
    lines.push(`grpc_client_handled_total${labels({ ...wire, grpc_code: 'Unavailable' })} ${e.attempts[1] * n}`);
    lines.push(...histogram('govrnanza_client_call_seconds', base, (e.calls[0] + e.calls[1]) * n, 0.02));
  }
  const http = { service: 'gateway', ...ROUTE };
  lines.push(`http_server_requests_total${labels({ ...http, code: '200' })} ${8 * n}`);
  lines.push(`http_server_requests_total${labels({ ...http, code: '402' })} ${1 * n}`);
  lines.push(`http_server_requests_total${labels({ ...http, code: '503' })} ${1 * n}`);
  lines.push(...histogram('http_server_request_duration_seconds', http, 10 * n, 0.04));
  lines.push(`govrnanza_circuit_breaker_state${labels({ service: 'registry', downstream: 'profile' })} 2`);
  return `${lines.join('\n')}\n`;
}

let target: Server;
let prom: RunningPrometheus;

beforeAll(async () => {
  let scrapes = 0;
  target = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(exposition(++scrapes));
  });
  await new Promise<void>((ok) => target.listen(0, '127.0.0.1', ok));
  const { port } = target.address() as AddressInfo;
  prom = await startPrometheus({ targets: [`127.0.0.1:${port}`] });
});

afterAll(async () => {
  await prom?.stop();
  await new Promise((ok) => target?.close(ok));
});

const value = async (expr: string, timeoutMs?: number): Promise<number> => (await prom.waitFor(expr, (s) => s.length === 1 && Number.isFinite(s[0]!.value), timeoutMs))[0]!.value;

describe('Prometheus with Govrnanza rules, scraping a fake target', () => {
  it('records each edge\'s success ratios and retry amplification', async () => {
    const gr = '{service="gateway",downstream="registry"}';
    expect(await value(`edge:govrnanza_client_calls_success:ratio_rate1m${gr}`)).toBeCloseTo(0.9, 6);
    expect(await value(`edge:grpc_client_handled_success:ratio_rate1m${gr}`)).toBeCloseTo(0.75, 6);
    expect(await value(`edge:govrnanza_client_retry_amplification:ratio_rate5m${gr}`)).toBeCloseTo(1.2, 6);
    const p99 = await value('edge_method:govrnanza_client_call_seconds:p99_rate1m{service="registry",downstream="profile",grpc_method="BatchGetProfiles"}');
    expect(p99).toBeGreaterThan(0.01);
    expect(p99).toBeLessThanOrEqual(0.025);
  });

  it('records a route\'s observed availability (402 is not a failure) and its predicted one', async () => {
    const r = `{route="${ROUTE.route}",method="GET"}`;
    expect(await value(`route:availability:ratio_rate1m${r}`)).toBeCloseTo(0.9, 6);
    expect(await value(`route:availability_predicted:ratio_rate1m${r}`)).toBeCloseTo(0.9 * 0.8 * 0.5, 6);
    expect(await value(`route:availability_predicted_per_attempt:ratio_rate5m${r}`)).toBeCloseTo(0.75 * 0.8 * 0.25, 6);
    // The Chain cost dashboard's "what fallbacks buy" matches the two series label for label.
    expect(await value(`route:availability:ratio_rate5m${r} - route:availability_predicted:ratio_rate5m${r}`)).toBeCloseTo(0.9 - 0.36, 6);
  });

  it('fires the fast availability burn-rate alert at a 10 % error ratio', async () => {
    expect(await value('service:slo_availability_errors:ratio_rate5m{service="gateway"}')).toBeCloseTo(0.1, 6);
    // Latency: every request took 40 ms, under the 250 ms bound.
    expect(await value('service:slo_latency_errors:ratio_rate1h{service="gateway"}')).toBeCloseTo(0, 6);
    await prom.waitFor('ALERTS{alertname="GatewayAvailabilityErrorBudgetBurnFast",alertstate="firing"}');
    expect(await prom.query('ALERTS{alertname="GatewayLatencyErrorBudgetBurnFast"}')).toEqual([]);
  });

  it('evaluates every rule without error', async () => {
    await prom.waitFor('service:slo_availability_errors:ratio_rate3d');
    const rules = await prom.rules();
    expect(rules.length).toBeGreaterThan(100);
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.group}/${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([]);
  });

  it('accepts every dashboard and rule expression as valid PromQL', async () => {
    const failures: string[] = [];
    for (const q of allQueries()) {
      await prom.query(q.expr).catch((e: Error) => failures.push(`${q.source}: ${e.message}`));
    }
    expect(failures).toEqual([]);
  });
});
