import { status } from '@grpc/grpc-js';
import { SERVICES, type ServiceName } from '@govrnanza/topology';
import { latencyDistribution, type LatencyDistribution, type LatencySpec } from './latencyDistribution';

/**
 * One fault rule, as written in FAULT_RULES (a JSON array) or sent to the
 * admin RPC. Examples:
 *   {"service":"profile","delayMs":5000}
 *   {"service":"profile","method":"BatchGetProfiles","latency":{"p50":20,"p90":80,"p99":300,"p999":800}}
 *   {"service":"account","abort":"UNAVAILABLE","percent":30}
 *   {"service":"registry","method":"CreateApi","drop":true}
 */
export interface FaultRuleSpec {
  /** The service the rule applies to. */
  service: ServiceName;
  /**
   * Which methods: `*` (default), a method name (`GetApi`), a full name
   * (`govrnanza.registry.v1.RegistryService/GetApi`), or a glob (`Get*`).
   */
  method?: string;
  /** Share of matching calls affected, 0–100. Default 100. */
  percent?: number;
  /** Added latency in ms before the handler runs. */
  delayMs?: number;
  /** Added latency drawn from a distribution given by percentiles in ms. */
  latency?: { p50: number; p90: number; p99: number; p999: number };
  /** Fail the call with this gRPC code (name or number) instead of running the handler. */
  abort?: string | number;
  /** Run the handler, then drop its response and fail with UNAVAILABLE (the side effect happened). */
  drop?: boolean;
}

/** A validated rule, ready to match. */
export interface FaultRule {
  spec: FaultRuleSpec;
  matches(path: string): boolean;
  probability: number;
  delay: LatencyDistribution | undefined;
  abortCode: status | undefined;
  drop: boolean;
}

const KNOWN_KEYS = new Set(['service', 'method', 'percent', 'delayMs', 'latency', 'abort', 'drop']);

/** Parses and validates FAULT_RULES; throws naming the rule (by index) and field at fault. */
export function parseFaultRules(value: unknown, random?: () => number): FaultRule[] {
  if (!Array.isArray(value)) throw new Error('fault rules must be a JSON array');
  return value.map((raw, i) => {
    try {
      return compileRule(raw, random);
    } catch (err) {
      throw new Error(`rule ${i}: ${(err as Error).message}`);
    }
  });
}

function compileRule(raw: unknown, random?: () => number): FaultRule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('must be an object');
  const spec = raw as FaultRuleSpec;
  for (const k of Object.keys(spec)) if (!KNOWN_KEYS.has(k)) throw new Error(`unknown field "${k}"`);
  if (!(spec.service in SERVICES)) throw new Error(`service must be one of ${Object.keys(SERVICES).join(', ')}`);
  const method = spec.method ?? '*';
  if (typeof method !== 'string' || method === '') throw new Error('method must be a non-empty string');
  const percent = spec.percent ?? 100;
  if (typeof percent !== 'number' || percent < 0 || percent > 100) throw new Error('percent must be a number in [0, 100]');
  if (spec.delayMs !== undefined && spec.latency !== undefined) throw new Error('give delayMs or latency, not both');
  const latency: LatencySpec | undefined = spec.delayMs ?? spec.latency;
  if (spec.delayMs !== undefined && (typeof spec.delayMs !== 'number' || spec.delayMs < 0 || spec.delayMs > 600_000)) throw new Error('delayMs must be a number of ms in [0, 600000]');
  const abortCode = spec.abort === undefined ? undefined : codeOf(spec.abort);
  if (spec.drop !== undefined && typeof spec.drop !== 'boolean') throw new Error('drop must be true or false');
  if (abortCode !== undefined && spec.drop) throw new Error('give abort or drop, not both');
  if (latency === undefined && abortCode === undefined && !spec.drop) throw new Error('a rule needs delayMs, latency, abort or drop');
  return {
    spec,
    matches: methodMatcher(method),
    probability: percent / 100,
    delay: latency === undefined ? undefined : latencyDistribution(latency, random ? { random } : {}),
    abortCode,
    drop: spec.drop === true,
  };
}

function codeOf(v: string | number): status {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 16) return v;
  if (typeof v === 'string') {
    const code = (status as unknown as Record<string, number>)[v.toUpperCase()];
    if (code !== undefined && code > 0) return code;
  }
  throw new Error(`abort must be a gRPC code other than OK, e.g. "UNAVAILABLE" or 14 (got ${JSON.stringify(v)})`);
}

/** A matcher of `/pkg.Service/Method` paths for a method pattern. */
export function methodMatcher(pattern: string): (path: string) => boolean {
  if (pattern === '*') return () => true;
  const full = pattern.includes('/');
  const re = new RegExp(`^${pattern.replace(/^\//, '').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return (path) => {
    const p = path.replace(/^\//, '');
    return re.test(full ? p : p.slice(p.lastIndexOf('/') + 1));
  };
}
