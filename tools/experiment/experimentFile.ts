import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseFaultRules, type FaultRuleSpec } from '@govrnanza/faults';
import { BACKENDS, ROUTES, type BackendName } from '@govrnanza/topology';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from './duration';
import { ExperimentFileError, FieldReader } from './fieldReader';

/** The latency quantiles a hypothesis, a report and a chart speak of. */
export const QUANTILES = ['p50', 'p90', 'p99', 'p999'] as const;
export type Quantile = (typeof QUANTILES)[number];

/** "This route answers": availability at least, latency quantiles at most. */
export interface RouteProbe {
  kind: 'route';
  route: string;
  /** Least share of requests that succeed (HTTP 2xx/3xx), in [0, 1]; written in % in the file. */
  availability?: number;
  /** Greatest latency per quantile, ms. */
  latencyMs: Partial<Record<Quantile, number>>;
}

/** "This dependency is not hammered": attempts it received per request sent to the gateway, at most. */
export interface LoadProbe {
  kind: 'service';
  service: BackendName;
  maxAttemptsPerRequest: number;
}

export type Probe = RouteProbe | LoadProbe;

/** Open-loop load on one gateway route. */
export interface RouteLoad {
  /** A route id of the topology (a GET route: every request is the same read). */
  route: string;
  /** Requests per second. */
  rate: number;
  /** Latency thresholds (ms) at which to compare P(request slower) predicted and observed, e.g. for fan-out. */
  tailThresholdsMs: number[];
}

export interface LoadSpec {
  routes: RouteLoad[];
  arrival: 'fixed' | 'poisson';
  /** Sent before each recorded window (under the fault for the measurement), not recorded, ms. */
  warmupMs: number;
  /** The measured window under the fault, ms. */
  durationMs: number;
  /** Per-request timeout of the load generator, ms. */
  timeoutMs: number;
}

/** The steady-state checks before injecting and after removing the faults. */
export interface CheckSpec {
  durationMs: number;
  /** Wait after removing the faults, before the check, ms (breakers half-open after 2 s). */
  recoveryMs: number;
}

/** One configuration of the system to run the experiment on. */
export interface Variant {
  name: string;
  description?: string;
  /** Environment of every service for this variant, on top of the experiment's. */
  env: Record<string, string>;
  /** Whether the hypothesis should hold under the fault ('holds') or is expected to break ('breaks'). */
  expect: 'holds' | 'breaks';
  /** n of the fan-out lab route (`GET /v1/lab/fanout?n=`). */
  fanout?: number;
}

/** A chaos experiment, as written in experiments/<name>.yaml. */
export interface Experiment {
  name: string;
  title: string;
  /** One paragraph: what this experiment shows. */
  description: string;
  /** Environment of every service, every variant. */
  env: Record<string, string>;
  hypothesis: Probe[];
  faults: FaultRuleSpec[];
  load: LoadSpec;
  check: CheckSpec;
  variants: Variant[];
  /** Where it was read from, for messages. */
  source: string;
}

/** Variables the runner owns (faults, ports, addresses): an experiment cannot set them. */
const RUNNER_OWNED = /^(FAULTS|FAULTS_TOKEN|FAULT_RULES|HOST|PORT|METRICS_PORT|[A-Z]+_ADDR|OTEL_SERVICE_NAME)$/;
const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const LAB_ROUTES = new Set(ROUTES.filter((r) => r.lab).map((r) => r.id));
const TOP_KEYS = ['name', 'title', 'description', 'env', 'hypothesis', 'faults', 'load', 'check', 'variants'];

/**
 * Parses and validates an experiment file. Every error names the file and the
 * field (`experiments/x.yaml: load.routes[0].rate: expected a number …`).
 * @throws ExperimentFileError
 */
export function parseExperiment(text: string, source: string): Experiment {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ExperimentFileError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  const r = FieldReader.object(source, '', doc, TOP_KEYS);
  const name = r.string('name', { pattern: NAME, hint: 'lower-case words joined by hyphens' });
  const expectedName = path.basename(source).replace(/\.ya?ml$/, '');
  if (/\.ya?ml$/.test(source) && expectedName !== name) r.fail('name', `"${name}" must match the file name (${expectedName})`);
  const env = readEnv(r, 'env');
  const load = readLoad(source, r);
  const variants = r.list('variants', (v, at) => readVariant(source, at, v));
  const experiment: Experiment = {
    name,
    title: r.string('title'),
    description: r.string('description').trim(),
    env,
    hypothesis: r.list('hypothesis', (v, at) => readProbe(source, at, v)),
    faults: r.parsed('faults', readFaults),
    load,
    check: readCheck(source, r),
    variants,
    source,
  };
  checkConsistency(r, experiment);
  return experiment;
}

/**
 * Reads an experiment by name (experiments/<name>.yaml under `dir`) or by path.
 * @throws ExperimentFileError when there is no such file, or it is invalid.
 */
export function loadExperiment(nameOrPath: string, dir: string): Experiment {
  const file = /[/\\]|\.ya?ml$/.test(nameOrPath) ? path.resolve(nameOrPath) : path.join(dir, `${nameOrPath}.yaml`);
  if (!existsSync(file)) {
    throw new ExperimentFileError(`no experiment "${nameOrPath}" (looked for ${path.relative(process.cwd(), file) || file}); shipped: ${shippedNames(dir).join(', ')}`);
  }
  return parseExperiment(readFileSync(file, 'utf8'), path.relative(process.cwd(), file) || file);
}

/** The names of the experiments in `dir`, sorted. */
export function shippedNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

function readEnv(r: FieldReader, key: string): Record<string, string> {
  if (!r.has(key)) return {};
  const raw = r.raw(key);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) r.fail(key, 'expected a mapping of VARIABLE: value');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(k)) r.fail(`${key}.${k}`, 'expected an upper-case variable name');
    if (RUNNER_OWNED.test(k)) r.fail(`${key}.${k}`, 'set by the runner (faults, ports and addresses are its own); remove it');
    // Objects become JSON, so DOWNSTREAM_POLICY can be written as YAML.
    if (typeof v === 'object' && v !== null) out[k] = JSON.stringify(v);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else r.fail(`${key}.${k}`, 'expected a string, a number or a mapping (written as JSON)');
  }
  return out;
}

function readProbe(source: string, at: string, value: unknown): Probe {
  if (typeof value === 'object' && value !== null && 'service' in value) {
    const r = FieldReader.object(source, at, value, ['service', 'maxAttemptsPerRequest']);
    const service = r.string('service') as BackendName;
    if (!BACKENDS.includes(service)) r.fail('service', `expected one of ${BACKENDS.join(', ')}, got "${service}"`);
    return { kind: 'service', service, maxAttemptsPerRequest: r.number('maxAttemptsPerRequest', 0, 1000) };
  }
  const r = FieldReader.object(source, at, value, ['route', 'availability', ...QUANTILES]);
  const route = readRouteId(r);
  const latencyMs: Partial<Record<Quantile, number>> = {};
  for (const q of QUANTILES) if (r.has(q)) latencyMs[q] = r.number(q, 0, 600_000);
  const probe: RouteProbe = { kind: 'route', route, latencyMs };
  // Rounded so that 99.9 (%) is exactly 0.999.
  if (r.has('availability')) probe.availability = Math.round(r.number('availability', 0, 100) * 1e6) / 1e8;
  if (probe.availability === undefined && Object.keys(latencyMs).length === 0) {
    r.fail('route', 'a route probe needs availability (%, at least) or a latency quantile (p50, p90, p99, p999: ms, at most)');
  }
  return probe;
}

function readRouteId(r: FieldReader): string {
  const id = r.string('route');
  const route = ROUTES.find((x) => x.id === id);
  if (!route) r.fail('route', `unknown route "${id}" (routes: ${ROUTES.map((x) => x.id).join(', ')})`);
  if (route.method !== 'GET') r.fail('route', `"${id}" is a ${route.method} route; load and probes take GET routes (each request the same read)`);
  return id;
}

function readFaults(value: unknown): FaultRuleSpec[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('expected a list of at least one fault rule (the fields of FAULT_RULES)');
  parseFaultRules(value);
  return value as FaultRuleSpec[];
}

function readLoad(source: string, top: FieldReader): LoadSpec {
  if (!top.has('load')) top.fail('load', 'required: routes, duration (and optionally arrival, warmup, timeout)');
  const r = FieldReader.object(source, 'load', top.raw('load'), ['routes', 'arrival', 'warmup', 'duration', 'timeout']);
  const routes = r.list('routes', (v, at) => {
    const lr = FieldReader.object(source, at, v, ['route', 'rate', 'tailThresholdsMs']);
    const thresholds = lr.has('tailThresholdsMs') ? lr.list('tailThresholdsMs', (t, tat) => positive(source, tat, t)) : [];
    return { route: readRouteId(lr), rate: lr.number('rate', 0.1, 2000), tailThresholdsMs: thresholds };
  });
  const seen = new Set<string>();
  for (const [i, x] of routes.entries()) {
    if (seen.has(x.route)) r.fail(`routes[${i}].route`, `"${x.route}" is loaded twice; give one rate per route`);
    seen.add(x.route);
  }
  return {
    routes,
    arrival: r.oneOf('arrival', ['fixed', 'poisson'] as const, 'poisson'),
    warmupMs: r.has('warmup') ? r.parsed('warmup', parseDuration) : 2000,
    durationMs: r.parsed('duration', (v) => bounded(parseDuration(v), 1000, 600_000)),
    timeoutMs: r.has('timeout') ? r.parsed('timeout', (v) => bounded(parseDuration(v), 100, 120_000)) : 5000,
  };
}

function readCheck(source: string, top: FieldReader): CheckSpec {
  if (!top.has('check')) return { durationMs: 5000, recoveryMs: 3000 };
  const r = FieldReader.object(source, 'check', top.raw('check'), ['duration', 'recovery']);
  return {
    durationMs: r.has('duration') ? r.parsed('duration', (v) => bounded(parseDuration(v), 1000, 120_000)) : 5000,
    recoveryMs: r.has('recovery') ? r.parsed('recovery', (v) => bounded(parseDuration(v), 0, 120_000)) : 3000,
  };
}

function readVariant(source: string, at: string, value: unknown): Variant {
  const r = FieldReader.object(source, at, value, ['name', 'description', 'env', 'expect', 'fanout']);
  const variant: Variant = {
    name: r.string('name', { pattern: NAME, hint: 'lower-case words joined by hyphens' }),
    env: readEnv(r, 'env'),
    expect: r.oneOf('expect', ['holds', 'breaks'] as const, 'holds'),
  };
  const description = r.optionalString('description');
  if (description) variant.description = description;
  if (r.has('fanout')) variant.fanout = r.number('fanout', 1, 16, { integer: true });
  return variant;
}

/** What no single field can check: names unique, probes on loaded routes, the lab switched on. */
function checkConsistency(r: FieldReader, e: Experiment): void {
  const names = e.variants.map((v) => v.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) r.fail('variants', `two variants are named "${dup}"`);
  const loaded = new Set(e.load.routes.map((x) => x.route));
  for (const [i, p] of e.hypothesis.entries()) {
    if (p.kind === 'route' && !loaded.has(p.route)) r.fail(`hypothesis[${i}].route`, `"${p.route}" is not under load; load it (load.routes) or probe a loaded route`);
  }
  const lab = e.load.routes.some((x) => LAB_ROUTES.has(x.route));
  for (const [i, v] of e.variants.entries()) {
    if (v.fanout !== undefined && !lab) r.fail(`variants[${i}].fanout`, 'fanout is the n of the lab route; load labFanout to use it');
    const env = { ...e.env, ...v.env };
    if (lab && !/^(on|true|1|yes)$/i.test(env.LAB ?? '')) r.fail(`variants[${i}]`, 'the lab route is served only with LAB=on: add LAB: "on" to env');
  }
}

function positive(source: string, at: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0)) throw new ExperimentFileError(`${source}: ${at}: expected a positive number of ms, got ${JSON.stringify(v)}`);
  return v;
}

function bounded(ms: number, min: number, max: number): number {
  if (ms < min || ms > max) throw new Error(`expected between ${min} ms and ${max} ms, got ${ms} ms`);
  return ms;
}
