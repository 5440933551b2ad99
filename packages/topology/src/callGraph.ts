import type { BackendName, ServiceName } from './services';

/**
 * One synchronous dependency of a gRPC method (or gateway route) on a
 * downstream method. `stage` orders calls: calls in the same stage run in
 * parallel, stages run one after another. `fallback` says what happens when
 * the call fails: the caller degrades the response instead of failing.
 */
export interface Call {
  downstream: BackendName;
  /** Method name in the downstream's service, e.g. 'GetOrganization'. */
  method: string;
  stage: number;
  fallback?: 'degrade' | 'fail-open';
  /** Only on some requests (e.g. only when an idempotency key is new); for documentation. */
  conditional?: boolean;
}

/** A caller → callee edge of the synchronous call graph. */
export interface Edge {
  from: ServiceName;
  to: BackendName;
}

/**
 * What each back-end method calls downstream. Methods that call nothing are
 * absent. This is the call graph of the brief, declared once:
 *
 *   gateway ─► registry ─► account
 *      │          └──────► profile
 *      ├─────► profile ──► account
 *      ├─────► account
 *      └─────► billing ──► account, registry, profile
 */
export const METHOD_CALLS: Readonly<Record<string, readonly Call[]>> = {
  'profile.CreateProfile': [{ downstream: 'account', method: 'GetOrganization', stage: 0 }],
  'registry.CreateDomain': [{ downstream: 'account', method: 'GetOrganization', stage: 0, fallback: 'fail-open' }],
  'registry.GetDomain': [{ downstream: 'account', method: 'GetOrganization', stage: 0, fallback: 'fail-open' }],
  'registry.ListDomains': [{ downstream: 'account', method: 'GetOrganization', stage: 0, fallback: 'fail-open' }],
  'registry.CreateSubdomain': [{ downstream: 'account', method: 'GetOrganization', stage: 0, fallback: 'fail-open' }],
  'registry.ListSubdomains': [{ downstream: 'account', method: 'GetOrganization', stage: 0, fallback: 'fail-open' }],
  'registry.CreateApi': [
    { downstream: 'account', method: 'GetOrganization', stage: 0, fallback: 'fail-open' },
    { downstream: 'profile', method: 'BatchGetProfiles', stage: 1, fallback: 'degrade' },
  ],
  'registry.GetApi': [
    { downstream: 'account', method: 'GetOrganization', stage: 0, fallback: 'fail-open' },
    { downstream: 'profile', method: 'BatchGetProfiles', stage: 1, fallback: 'degrade' },
  ],
  'registry.ListApis': [
    { downstream: 'account', method: 'GetOrganization', stage: 0, fallback: 'fail-open' },
    { downstream: 'profile', method: 'BatchGetProfiles', stage: 1, fallback: 'degrade' },
  ],
  'registry.UpdateApiLifecycle': [
    { downstream: 'account', method: 'GetOrganization', stage: 0, fallback: 'fail-open' },
    { downstream: 'profile', method: 'BatchGetProfiles', stage: 1, fallback: 'degrade' },
  ],
  'registry.DeleteApi': [{ downstream: 'account', method: 'GetOrganization', stage: 0, fallback: 'fail-open' }],
  'billing.GetUsage': [
    { downstream: 'account', method: 'GetOrganization', stage: 0 },
    { downstream: 'registry', method: 'CountResources', stage: 0, fallback: 'degrade' },
    { downstream: 'profile', method: 'CountProfiles', stage: 0, fallback: 'degrade' },
  ],
  'billing.RecordPayment': [
    { downstream: 'account', method: 'FreezeOrganization', stage: 0, conditional: true },
    { downstream: 'account', method: 'UnfreezeOrganization', stage: 0, conditional: true },
  ],
};

/** The downstreams each service calls, derived from the method calls and the gateway routes. */
export function edges(routeCalls: Iterable<readonly Call[]>): Edge[] {
  const seen = new Set<string>();
  const out: Edge[] = [];
  const add = (from: ServiceName, to: BackendName): void => {
    const key = `${from}->${to}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ from, to });
    }
  };
  for (const calls of routeCalls) for (const c of calls) add('gateway', c.downstream);
  for (const [method, calls] of Object.entries(METHOD_CALLS)) {
    const from = method.split('.')[0] as ServiceName;
    for (const c of calls) add(from, c.downstream);
  }
  return out;
}
