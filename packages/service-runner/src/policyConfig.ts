import { DEFAULT_POLICY, type DownstreamPolicyOptions } from '@govrnanza/resilience';
import { BACKENDS, type BackendName } from '@govrnanza/topology';

/** Per-downstream policy overrides: `{"*": {...}, "profile": {"hedgeDelayMs": 40}}`. */
export type PolicyOverrides = Partial<Record<BackendName | '*', Partial<DownstreamPolicyOptions>>>;

/** Validates the DOWNSTREAM_POLICY JSON; throws with a message naming the bad key. */
export function parsePolicyOverrides(value: unknown): PolicyOverrides {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected an object');
  const out: PolicyOverrides = {};
  for (const [target, options] of Object.entries(value)) {
    if (target !== '*' && !(BACKENDS as readonly string[]).includes(target)) throw new Error(`unknown downstream "${target}"`);
    if (typeof options !== 'object' || options === null) throw new Error(`${target}: expected an object`);
    const checked: Partial<DownstreamPolicyOptions> = {};
    for (const [k, v] of Object.entries(options)) {
      if (!(k in DEFAULT_POLICY)) throw new Error(`${target}.${k}: unknown option (known: ${Object.keys(DEFAULT_POLICY).join(', ')})`);
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${target}.${k}: expected a non-negative number`);
      if (k === 'breakerThreshold' && (v <= 0 || v >= 1)) throw new Error(`${target}.${k}: expected a fraction in (0, 1); to keep a breaker closed raise breakerMinRps instead`);
      checked[k as keyof DownstreamPolicyOptions] = v;
    }
    out[target as BackendName | '*'] = checked;
  }
  return out;
}

/**
 * Defaults that differ per downstream. Registry and billing call other
 * services themselves: a per-attempt cap on them would cut their own
 * downstream retries and fallbacks short, so their attempts get the whole
 * remaining budget. Leaf services (account, profile) keep a short per-attempt
 * timeout, so one slow attempt leaves room for another.
 */
export const DOWNSTREAM_DEFAULTS: Readonly<Partial<Record<BackendName, Partial<DownstreamPolicyOptions>>>> = {
  registry: { attemptTimeoutMs: 0 },
  billing: { attemptTimeoutMs: 0 },
};

/** The options for one downstream: defaults, its own defaults, then "*", then its own overrides. */
export function policyFor(overrides: PolicyOverrides, downstream: BackendName): DownstreamPolicyOptions {
  return { ...DEFAULT_POLICY, ...DOWNSTREAM_DEFAULTS[downstream], ...overrides['*'], ...overrides[downstream] };
}
