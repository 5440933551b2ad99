import type { FaultRuleSpec } from '@govrnanza/faults';

/** Where faults are injected: the services' own admin RPC, or Istio's VirtualServices. */
export interface FaultBackend {
  /** 'local' or 'istio', for reports. */
  readonly kind: 'local' | 'istio';
  /** Puts every rule in place; resolves once they apply. */
  inject(rules: readonly FaultRuleSpec[]): Promise<void>;
  /** Removes whatever `inject` put in place (safe to call twice). */
  clear(): Promise<void>;
}
