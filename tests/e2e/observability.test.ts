/**
 * Observability of the real system: the five services as processes on
 * ephemeral ports, each writing its spans to a traces file, scraped by a real
 * Prometheus loaded with Govrnanza's rules. Checks that one request is one
 * trace shaped like the call graph, that resilience decisions show on spans,
 * that each service exposes the documented metric families with the
 * documented labels, and that every dashboard panel, recording rule and alert
 * of the repository returns data once traffic and faults have flowed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUDGET_LEFT_ATTRIBUTE, METRIC_CATALOG, REDACTED_SERVER_ATTRIBUTES, parsePrometheusText, type SpanRecord } from '@govrnanza/telemetry';
import { BACKENDS, METHOD_CALLS, ROUTES, SERVICES, START_ORDER, callsOf, downstreamsOf, type Call, type Route, type ServiceName } from '@govrnanza/topology';
import { startSystem, type RunningSystem } from '../../tools/launcher/system';
import { allQueries, type PromQuery } from '../../tools/observability/queries';
import { setFaultRules } from '../support/faultAdmin';
import { call, seedOrg } from '../support/gateway';
import { routeRequests, type SeededIds } from '../support/routeRequests';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus';
import { readAllSpans, waitForTrace } from '../support/traces';

const TOKEN = 'observability-e2e';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const route = (id: string): Route => ROUTES.find((r) => r.id === id)!;

// Generous time budgets: on two busy cores a cold call can outlast the 300 ms
// attempt default, and a timed-out attempt would add spans the trace test does
// not expect. Then settings that make every mechanism observable with little
// traffic: the gateway hedges reads on profile after 20 ms; registry's bulkhead
// towards profile holds one call and queues none, so concurrent reads are shed.
const ANY = { attemptTimeoutMs: 2_000 };
const POLICY: Partial<Record<ServiceName, object>> = {
  gateway: { '*': ANY, profile: { ...ANY, hedgeDelayMs: 20 } },
  registry: { '*': ANY, profile: { ...ANY, bulkheadLimit: 1, bulkheadQueue: 0 } },
  profile: { '*': ANY },
  billing: { '*': ANY },
};

let sys: RunningSystem;
let prom: RunningPrometheus;
let dir: string;
const traceFiles: Partial<Record<ServiceName, string>> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govrnanza-observability-'));
  const serviceEnv: Partial<Record<ServiceName, NodeJS.ProcessEnv>> = {};
  for (const name of START_ORDER) {
    traceFiles[name] = join(dir, `${name}.spans.jsonl`);
    serviceEnv[name] = { OTEL_TRACES_FILE: traceFiles[name], ...(POLICY[name] ? { DOWNSTREAM_POLICY: JSON.stringify(POLICY[name]) } : {}) };
  }
  serviceEnv.gateway!.LAB = 'on'; // the lab route is in the dashboards and rules too
  const env = { LOG_LEVEL: 'error', FAULTS: 'on', FAULTS_TOKEN: TOKEN, SHUTDOWN_GRACE_MS: '2000', REQUEST_BUDGET_MS: '5000' };
  sys = await startSystem({ ports: 'ephemeral', env, serviceEnv });
  // Scraping from the start, so the rates below are computed over real traffic.
  prom = await startPrometheus({ targets: START_ORDER.map((n) => `127.0.0.1:${sys.endpoints[n].metricsPort}`) });
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await sys?.stop(3_000);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

const faults = (service: ServiceName, rules: Parameters<typeof setFaultRules>[2]) => setFaultRules(sys.address(service), TOKEN, rules);

// ───────────────────────────── traces ─────────────────────────────

/** The span name of a call of `method` on `downstream` (RPC semantic conventions: `<package.Service>/<Method>`). */
const grpcSpanName = (c: Call) => `${SERVICES[c.downstream].grpcService}/${c.method}`;

/** How many spans a request of `r` makes: the gateway's HTTP server span, then a client and a server span per call. */
function spanCount(r: Route): number {
  const calls = (list: readonly Call[]): number => list.reduce((n, c) => n + 1 + calls(callsOf(c.downstream, c.method)), 0);
  return 1 + 2 * calls(r.calls);
}

/**
 * Asserts the trace is the route's call chain as the topology declares it:
 * gateway HTTP server span → gateway client span → callee server span →
 * its client spans → their callees' server spans, each client span carrying
 * the time budget it had left.
 */
function expectCallGraph(spans: SpanRecord[], r: Route): void {
  const roots = spans.filter((s) => s.parentSpanId === undefined);
  expect(roots.map((s) => `${s['service.name']} ${s.kind}`)).toEqual(['gateway SERVER']);
  const walk = (caller: ServiceName, parent: SpanRecord, calls: readonly Call[]): void => {
    for (const c of calls) {
      const name = grpcSpanName(c);
      const clients = spans.filter((s) => s['service.name'] === caller && s.kind === 'CLIENT' && s.name === name && s.parentSpanId === parent.spanId);
      expect(clients, `${caller} client span ${name} under ${parent['service.name']} ${parent.name}`).toHaveLength(1);
      expect(clients[0]!.attributes[BUDGET_LEFT_ATTRIBUTE], `${BUDGET_LEFT_ATTRIBUTE} on ${caller} → ${name}`).toBeGreaterThan(0);
      const servers = spans.filter((s) => s['service.name'] === c.downstream && s.kind === 'SERVER' && s.name === name && s.parentSpanId === clients[0]!.spanId);
      expect(servers, `${c.downstream} server span ${name} under ${caller}'s client span`).toHaveLength(1);
      walk(c.downstream, servers[0]!, callsOf(c.downstream, c.method));
    }
  };
  walk('gateway', roots[0]!, r.calls);
  expect(spans).toHaveLength(spanCount(r));
}

/** Sends GET /v1/orgs/{org}/apis/{api} and returns the answer with its whole trace, once `done` accepts the spans. */
async function tracedGetApi(ids: { orgId: string; apiId: string }, done: (spans: SpanRecord[]) => boolean) {
  const res = await call(sys.gatewayUrl, 'GET', `/v1/orgs/${ids.orgId}/apis/${ids.apiId}`);
  const traceId = res.headers.get('x-trace-id') ?? '';
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  // Sent no x-request-id, the client gets the trace id as its request id (sent on to every hop in x-request-id).
  expect(res.headers.get('x-request-id')).toBe(traceId);
  const spans = await waitForTrace(Object.values(traceFiles), traceId, done);
  return { res, spans };
}

const registryGetApi = (spans: SpanRecord[]) => spans.find((s) => s['service.name'] === 'registry' && s.kind === 'SERVER' && s.name.endsWith('/GetApi'));
const PROFILE_ABORT = [{ service: 'profile' as const, method: 'BatchGetProfiles', abort: 'UNAVAILABLE' }];
/** The trace of a GetApi while profile aborted every BatchGetProfiles. */
let faultedTrace: SpanRecord[] | undefined;

describe('traces', () => {
  it('makes one trace of a request across gateway, registry, account and profile, shaped like the call graph, without personal data', async () => {
    const ids = await seedOrg(sys.gatewayUrl, 'Tracewell');
    const { res, spans } = await tracedGetApi(ids, (s) => s.length >= spanCount(route('getApi')));
    expect(res.status).toBe(200);
    expect(res.body.degraded).toBeUndefined();
    expect(new Set(spans.map((s) => s['service.name']))).toEqual(new Set(['gateway', 'registry', 'account', 'profile']));
    expectCallGraph(spans, route('getApi'));

    // What identifies a person never reaches a span: not the seeded names, job
    // titles or e-mail addresses (request bodies), nor the caller's address.
    const everything = Object.values(traceFiles).filter((f) => existsSync(f!)).map((f) => readFileSync(f!, 'utf8')).join('\n');
    expect(everything).toContain(ids.apiId); // the files hold the seeding's spans too
    for (const secret of ['Ada Lovelace', 'Grace Hopper', 'Chief Architect', 'Product Owner', 'ada@tracewell.example', 'grace@tracewell.example', 'Tracewell', 'card-auth']) {
      expect(everything, `"${secret}" in a span`).not.toContain(secret);
    }
    for (const s of readAllSpans(Object.values(traceFiles)).filter((x) => x.kind === 'SERVER')) {
      expect(Object.keys(s.attributes).filter((k) => REDACTED_SERVER_ATTRIBUTES.includes(k)), `${s['service.name']} ${s.name}`).toEqual([]);
    }

    // The latency samples of this request link to its trace (OpenMetrics exemplars), on every side of every hop.
    const traceId = spans[0]!.traceId;
    const exemplarFamilies = async (service: ServiceName): Promise<string[]> => {
      const res = await fetch(`http://127.0.0.1:${sys.endpoints[service].metricsPort}/metrics`, { headers: { accept: 'application/openmetrics-text' } });
      const linked = parsePrometheusText(await res.text()).filter((x) => x.exemplar?.labels.trace_id === traceId);
      return [...new Set(linked.map((x) => x.name))].sort();
    };
    expect(await exemplarFamilies('gateway')).toEqual(
      ['govrnanza_client_budget_left_seconds_bucket', 'govrnanza_client_call_seconds_bucket', 'grpc_client_handling_seconds_bucket', 'http_server_request_duration_seconds_bucket'],
    );
    expect(await exemplarFamilies('registry')).toEqual(
      ['govrnanza_client_budget_left_seconds_bucket', 'govrnanza_client_call_seconds_bucket', 'grpc_client_handling_seconds_bucket', 'grpc_server_handling_seconds_bucket'],
    );
    for (const leaf of ['account', 'profile'] as const) expect(await exemplarFamilies(leaf), leaf).toEqual(['grpc_server_handling_seconds_bucket']);
  });

  it('shows the retries and the fallback on registry\'s span when profile fails', async () => {
    const ids = await seedOrg(sys.gatewayUrl, 'Retrywell');
    expect(await faults('profile', PROFILE_ABORT)).toBe(1);
    try {
      const { res, spans } = await tracedGetApi(ids, (s) => registryGetApi(s) !== undefined && s.some((x) => x.parentSpanId === undefined));
      expect(res.status).toBe(200);
      expect(res.body.degraded).toEqual([expect.objectContaining({ part: 'owners' })]);
      const server = registryGetApi(spans)!;
      const attempts = spans.filter((s) => s['service.name'] === 'registry' && s.kind === 'CLIENT' && s.name.endsWith('/BatchGetProfiles'));
      // Three attempts (default maxRetries 2), each a child of registry's server span, each failed UNAVAILABLE.
      expect(attempts).toHaveLength(3);
      for (const a of attempts) {
        expect(a.parentSpanId).toBe(server.spanId);
        expect(a.status.code).toBe('ERROR');
        expect(a.attributes['rpc.grpc.status_code']).toBe(14);
        expect(a.attributes[BUDGET_LEFT_ATTRIBUTE]).toBeGreaterThan(0);
      }
      expect(server.events.map((e) => ({ name: e.name, attributes: e.attributes }))).toEqual([
        { name: 'retry', attributes: { 'retry.downstream': 'profile', 'retry.method': 'BatchGetProfiles', 'retry.attempt': 1, 'retry.after_code': 14 } },
        { name: 'retry', attributes: { 'retry.downstream': 'profile', 'retry.method': 'BatchGetProfiles', 'retry.attempt': 2, 'retry.after_code': 14 } },
        { name: 'fallback', attributes: { 'fallback.downstream': 'profile', 'fallback.part': 'owners', 'fallback.reason': 'unavailable' } },
      ]);
      faultedTrace = spans;
    } finally {
      await faults('profile', []);
    }
  });

  // Faults are applied around the handler, inside the server span the
  // runtime starts, so each aborted attempt has its span and event.
  // Reads the trace of the test above.
  it('puts a fault.injected event on profile\'s server span of each aborted attempt', () => {
    const faulted = (faultedTrace ?? []).filter((s) => s['service.name'] === 'profile' && s.kind === 'SERVER' && s.name.endsWith('/BatchGetProfiles'));
    expect(faulted).toHaveLength(3);
    for (const s of faulted) expect(s.events).toContainEqual(expect.objectContaining({ name: 'fault.injected', attributes: { 'fault.kind': 'abort', 'fault.code': 14 } }));
  });

  it("continues a client's trace with a request id of its own (a client may send several requests in one trace)", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
    const answers = await Promise.all([1, 2].map(() => call(sys.gatewayUrl, 'GET', '/v1/orgs/org_nosuchorg0000000000/apis/api_nosuchapi000000000', undefined, { traceparent })));
    for (const res of answers) {
      expect(res.headers.get('x-trace-id')).toBe(traceId);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    }
    expect(answers[0]!.headers.get('x-request-id')).not.toBe(answers[1]!.headers.get('x-request-id'));
  });
});

// ───────────────────────────── load and faults ─────────────────────────────

const REQUESTS = routeRequests();
const send = async (id: string, ids: SeededIds, headers: Record<string, string> = {}): Promise<number> => {
  const [method, path, body] = REQUESTS[id]!(ids);
  return (await call(sys.gatewayUrl, method, path, body, headers)).status;
};
const times = <T>(n: number, f: () => Promise<T>) => Promise.all(Array.from({ length: n }, f));

/**
 * Traffic on every route and every call of the call graph, then faults that
 * make each resilience mechanism act (see the comments), for both the metrics
 * and the Prometheus tests; runs once.
 */
async function loadWithFaults(): Promise<void> {
  expect(Object.keys(REQUESTS).sort()).toEqual(ROUTES.map((r) => r.id).sort());
  const ids = await seedOrg(sys.gatewayUrl, 'Loadco', 'enterprise');
  const payer = await seedOrg(sys.gatewayUrl, 'Payer');
  for (const r of ROUTES) expect(await send(r.id, r.id === 'recordPayment' ? payer : ids), `${r.method} ${r.template}`).toBeLessThan(300);
  expect(await send('recordPayment', payer)).toBe(201); // the first payment failed (freeze), this one succeeds (unfreeze)
  // account refuses every org lookup: the gateway's, profile's and billing's
  // lookups fail after retries (until the retry budget runs out), and the
  // gateway's breaker opens; registry's fail open (degraded answers) and,
  // outnumbering its recent successes, open its breaker too.
  expect(await faults('account', [{ service: 'account', method: 'GetOrganization', abort: 'UNAVAILABLE' }])).toBe(1);
  // profile is slow: the gateway hedges GetProfile after 20 ms; registry's
  // one-slot bulkhead sheds concurrent owner lookups (fallback "bulkhead").
  expect(await faults('profile', [{ service: 'profile', method: 'GetProfile', delayMs: 60 }, { service: 'profile', method: 'BatchGetProfiles', delayMs: 80 }])).toBe(2);
  try {
    for (let i = 0; i < 3; i++) expect(await send('getProfile', ids)).toBe(200);
    for (let burst = 0; burst < 2; burst++) {
      await Promise.all([
        times(12, () => send('getOrg', ids)),
        times(10, () => send('getApi', ids)),
        times(8, () => send('listApis', ids)),
        times(6, () => send('listDomains', ids)),
        times(3, () => send('getUsage', ids)),
        times(3, () => send('createProfile', ids)),
        // A budget too small to start a call: the gateway counts a deadline exceeded.
        times(3, () => send('getApi', ids, { 'x-request-timeout-ms': '1' })),
      ]);
      await sleep(1_000);
    }
  } finally {
    await faults('account', []);
    await faults('profile', []);
  }
}

let loaded: Promise<void> | undefined;
const loadOnce = () => (loaded ??= loadWithFaults());

// ───────────────────────────── metrics ─────────────────────────────

type Family = (typeof METRIC_CATALOG)[number];
const familyNames = (pred: (m: Family) => boolean) => METRIC_CATALOG.filter(pred).map((m) => m.name);
const SERVER = familyNames((m) => m.name.startsWith('grpc_server_'));
const HTTP = familyNames((m) => m.name.startsWith('http_server_'));
/** What every caller exposes from its first call: per attempt, per logical call, budget left, breaker state. */
const CALLER = familyNames((m) => m.name.startsWith('grpc_client_') || ['govrnanza_client_calls_total', 'govrnanza_client_call_seconds', 'govrnanza_client_budget_left_seconds', 'govrnanza_circuit_breaker_state'].includes(m.name));
/** Families of a degraded answer: only callers with a fallback call in the topology can record them. */
const FALLBACK = ['govrnanza_fallbacks_total', 'govrnanza_fail_open_decisions_total'];
const FAULTS = ['govrnanza_faults_injected_total'];
/** The resilience families every caller may record once something fails. */
const ON_FAILURE = familyNames((m) => m.name.startsWith('govrnanza_') && ![...CALLER, ...FALLBACK, ...FAULTS].includes(m.name));

/** What a service may expose at all, from its role in the topology. */
function allowedFamilies(s: ServiceName): string[] {
  const backend = (BACKENDS as readonly string[]).includes(s);
  const calls = downstreamsOf(s).length > 0;
  const fallbacks = Object.entries(METHOD_CALLS).some(([m, cs]) => m.startsWith(`${s}.`) && cs.some((c) => c.fallback !== undefined));
  return [...(s === 'gateway' ? HTTP : []), ...(backend ? [...SERVER, ...FAULTS] : []), ...(calls ? [...CALLER, ...ON_FAILURE] : []), ...(fallbacks ? FALLBACK : [])];
}

/** What `loadWithFaults` must have made each service record, beyond what its role exposes with any traffic. */
const PROVOKED: Record<ServiceName, string[]> = {
  gateway: ['govrnanza_client_retries_total', 'govrnanza_client_hedges_total', 'govrnanza_retry_budget_exhausted_total', 'govrnanza_circuit_breaker_transitions_total', 'govrnanza_client_deadline_exceeded_total'],
  account: ['govrnanza_faults_injected_total'],
  profile: ['govrnanza_faults_injected_total', 'govrnanza_client_retries_total'],
  registry: ['govrnanza_client_retries_total', 'govrnanza_retry_budget_exhausted_total', 'govrnanza_circuit_breaker_transitions_total', 'govrnanza_bulkhead_rejections_total', ...FALLBACK],
  billing: ['govrnanza_client_retries_total'],
};

function requiredFamilies(s: ServiceName): string[] {
  const backend = (BACKENDS as readonly string[]).includes(s);
  return [...(s === 'gateway' ? HTTP : []), ...(backend ? SERVER : []), ...(downstreamsOf(s).length > 0 ? CALLER : []), ...PROVOKED[s]];
}

/** The catalogued family a sample belongs to (`x_bucket` → histogram `x`), if any. */
function familyOf(sample: string): Family | undefined {
  return METRIC_CATALOG.find((m) => m.name === sample || (m.type === 'histogram' && [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`].includes(sample)));
}

/** Scrapes a service's /metrics as a plain client would (no Accept header: classic text format). */
async function scrape(s: ServiceName) {
  const res = await fetch(`http://127.0.0.1:${sys.endpoints[s].metricsPort}/metrics`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status).toBe(200);
  return parsePrometheusText(await res.text());
}

describe('metrics', () => {
  it('exposes on each service every documented family its role and the traffic call for, with exactly the documented labels', async () => {
    await loadOnce();
    const problems: string[] = [];
    for (const s of START_ORDER) {
      const labelSets = new Map<string, Set<string>>();
      for (const sample of await scrape(s)) {
        const family = familyOf(sample.name);
        if (!family) {
          if (/^(grpc|govrnanza|http)_/.test(sample.name)) problems.push(`${s}: undocumented series ${sample.name}`);
          continue;
        }
        if (sample.labels.service !== s) problems.push(`${s}: ${sample.name} has service="${sample.labels.service}"`);
        const names = Object.keys(sample.labels).filter((l) => !(l === 'le' && sample.name.endsWith('_bucket')));
        const set = labelSets.get(family.name) ?? new Set<string>();
        set.add([...names].sort().join(','));
        labelSets.set(family.name, set);
      }
      for (const [name, sets] of labelSets) {
        const documented = [...METRIC_CATALOG.find((m) => m.name === name)!.labelNames].sort().join(',');
        for (const got of sets) if (got !== documented) problems.push(`${s}: ${name} labels {${got}}, documented {${documented}}`);
      }
      const present = [...labelSets.keys()];
      for (const f of requiredFamilies(s)) if (!present.includes(f)) problems.push(`${s}: missing ${f}`);
      for (const f of present) if (!allowedFamilies(s).includes(f)) problems.push(`${s}: exposes ${f}, which its role cannot produce`);
    }
    expect(problems).toEqual([]);
  }, 60_000);
});

// ───────────────────────────── Prometheus ─────────────────────────────

describe('Prometheus over the running system', () => {
  it('returns data for every dashboard panel, recording rule and alert condition', async () => {
    await loadOnce();
    const queries = allQueries();
    expect(queries.length).toBeGreaterThan(300);
    // Nothing is excluded: the long SLO windows ([1d], [3d]) need only two
    // samples, the harness evaluates every group each second, and alerts are
    // checked as their `bool` signal (see alertSignal), not as firing alerts.
    // The most derived series (a rule over rules over scrapes) first, then every expression.
    await prom.waitFor('route:availability_predicted:ratio_rate5m{route="/v1/orgs/{org}/apis/{api}"}', undefined, 20_000);
    let pending: PromQuery[] = queries;
    const until = Date.now() + 20_000;
    for (;;) {
      const empty: PromQuery[] = [];
      for (let i = 0; i < pending.length; i += 16) {
        const batch = pending.slice(i, i + 16);
        const results = await Promise.all(batch.map((q) => prom.query(q.expr)));
        batch.forEach((q, j) => results[j]!.length === 0 && empty.push(q));
      }
      pending = empty;
      if (pending.length === 0 || Date.now() > until) break;
      await sleep(1_000);
    }
    expect(pending.map((q) => `${q.source}${q.needsFailures ? ' (needs failures)' : ''}: ${q.expr}`)).toEqual([]);
    const rules = await prom.rules();
    expect(rules.filter((r) => r.health === 'err').map((r) => `${r.group}/${r.name}: ${r.lastError}`)).toEqual([]);
  }, 60_000);
});
