/**
 * Who may call what, derived from the call graph: strict mTLS for every
 * service, and one ALLOW policy per service listing, per caller identity,
 * exactly the methods that caller uses (gRPC paths from METHOD_CALLS, public
 * routes from ROUTES). On top of the namespace's allow-nothing policy, every
 * other request is denied: reflection, health checks from peers, the fault
 * admin RPC, a method a caller has no edge for.
 *
 * Two needs outside the call graph, and how they are met:
 * - kubelet probes: Istio's injector rewrites HTTP and gRPC probes to go
 *   through the sidecar agent on the pod itself, so they need no rule.
 * - Prometheus runs outside the mesh (plaintext): each service's metrics
 *   port is PERMISSIVE and allows `GET /metrics` from any source, and
 *   nothing else on that port. A plaintext peer has no identity to name.
 */
import { METHOD_CALLS, ROUTES, SERVICES, type BackendName, type ServiceName } from '@govrnanza/topology';
import { INGRESS_PRINCIPAL, labelsOf, principal } from './cluster';
import { methodPath } from './grpcMethods';

type Manifest = Record<string, unknown>;

/** The methods each caller uses on a back-end (caller → method names), from the gateway routes and METHOD_CALLS. */
export function callersOf(service: BackendName): Map<ServiceName, Set<string>> {
  const callers = new Map<ServiceName, Set<string>>();
  const add = (caller: ServiceName, method: string): void => {
    if (!callers.has(caller)) callers.set(caller, new Set());
    callers.get(caller)!.add(method);
  };
  for (const route of ROUTES) for (const c of route.calls) if (c.downstream === service) add('gateway', c.method);
  for (const [key, calls] of Object.entries(METHOD_CALLS)) {
    const caller = key.split('.')[0] as ServiceName;
    for (const c of calls) if (c.downstream === service) add(caller, c.method);
  }
  return callers;
}

/** An AuthorizationPolicy path for a route template: each `{param}` matches one segment. */
export function pathTemplate(template: string): string {
  return template.replace(/\{[^}/]+\}/g, '{*}');
}

function metricsRule(name: ServiceName): Manifest {
  return { to: [{ operation: { ports: [String(SERVICES[name].metricsPort)], methods: ['GET'], paths: ['/metrics'] } }] };
}

function backendRules(service: BackendName): Manifest[] {
  const port = String(SERVICES[service].port);
  return [...callersOf(service)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([caller, methods]) => ({
      from: [{ source: { principals: [principal(caller)] } }],
      to: [{ operation: { ports: [port], methods: ['POST'], paths: [...methods].sort().map((m) => methodPath(service, m)) } }],
    }));
}

function gatewayRules(): Manifest[] {
  const byMethod = new Map<string, string[]>();
  for (const r of ROUTES) byMethod.set(r.method, [...(byMethod.get(r.method) ?? []), pathTemplate(r.template)]);
  const port = String(SERVICES.gateway.port);
  const to = [...byMethod]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([method, paths]) => ({ operation: { ports: [port], methods: [method], paths: [...new Set(paths)].sort() } }));
  return [{ from: [{ source: { principals: [INGRESS_PRINCIPAL] } }], to }];
}

export function authorizationPolicy(name: ServiceName): Manifest {
  const rules = name === 'gateway' ? gatewayRules() : backendRules(name);
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name, labels: labelsOf(name, 'authorization') },
    spec: { selector: { matchLabels: { app: name } }, action: 'ALLOW', rules: [...rules, metricsRule(name)] },
  };
}

/** Denies every request to every workload in the namespace that no other policy allows. */
export function allowNothing(): Manifest {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'allow-nothing', labels: { 'app.kubernetes.io/component': 'authorization' } },
    spec: {},
  };
}

/** Strict mTLS for the namespace. */
export function strictMtls(): Manifest {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', labels: { 'app.kubernetes.io/component': 'authorization' } },
    spec: { mtls: { mode: 'STRICT' } },
  };
}

/** Strict mTLS for one service except its metrics port, which Prometheus scrapes in plaintext. */
export function metricsPortPermissive(name: ServiceName): Manifest {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name, labels: labelsOf(name, 'authorization') },
    spec: {
      selector: { matchLabels: { app: name } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { [String(SERVICES[name].metricsPort)]: { mode: 'PERMISSIVE' } },
    },
  };
}

/** deploy/istio/authz/<name>.yaml. */
export function authorizationManifests(name: ServiceName): Manifest[] {
  return [metricsPortPermissive(name), authorizationPolicy(name)];
}
