/**
 * Istio routing per service: a VirtualService (route timeout and retries) and
 * a DestinationRule (connection pool, load balancing, outlier detection), in
 * two flavors:
 *
 * - `code` (RESILIENCE none or code): the mesh carries traffic and nothing
 *   more. Retries are switched off explicitly (`attempts: 0`), because Istio's
 *   default retries twice, and retries in both layers multiply; the route
 *   timeout is only a backstop far above any request budget.
 * - `mesh` (RESILIENCE mesh or both): Istio owns timeouts, retries, the retry
 *   cap and outlier detection. Only methods the proto marks idempotent retry
 *   on failures after the request may have run; every method retries when the
 *   request surely never reached the server (connect failure, refused stream).
 */
import { SERVICES, type BackendName, type ServiceName } from '@govrnanza/topology';
import { labelsOf } from './cluster';
import { methodsOf } from './grpcMethods';

export type TrafficFlavor = 'code' | 'mesh';

/** Istio's own timeout and retries on a route. */
export interface RoutePolicy {
  timeout: string;
  retries: { attempts: number; perTryTimeout?: string; retryOn?: string };
}

/** Which requests a route takes: a method path, a calling service, or both. */
export interface RouteMatch {
  path?: string;
  sourceApp?: ServiceName;
}

/** A fault Istio injects in the caller's sidecar (then the route's timeout and retries do not apply). */
export interface RouteFault {
  delay?: { fixedDelay: string; percent: number };
  abort?: { grpcStatus: string; percent: number };
}

export interface Route {
  name: string;
  /** Alternatives (ORed); none takes every request. */
  matches?: RouteMatch[];
  policy?: RoutePolicy;
  fault?: RouteFault;
}

/** In the code flavor: no mesh retries, a timeout that only catches a call nobody bounded. */
const BACKSTOP: RoutePolicy = { timeout: '10s', retries: { attempts: 0 } };

/**
 * Mesh-owned limits per back-end. They nest under the gateway's 1 s budget:
 * leaves retry twice within a short per-try timeout; registry and billing wait
 * for their own downstreams, so one retry is all that fits.
 */
const MESH_LIMITS: Record<BackendName, { timeout: string; perTryTimeout: string; attempts: number }> = {
  account: { timeout: '300ms', perTryTimeout: '100ms', attempts: 2 },
  profile: { timeout: '450ms', perTryTimeout: '150ms', attempts: 2 },
  registry: { timeout: '850ms', perTryTimeout: '400ms', attempts: 1 },
  billing: { timeout: '850ms', perTryTimeout: '400ms', attempts: 1 },
};

/** Failures after which the server may have run the call: retried for idempotent methods only. */
export const RETRY_ON_IDEMPOTENT = 'connect-failure,refused-stream,reset,unavailable';
/** Failures before the server saw the call: safe to retry for any method. */
export const RETRY_ON_ANY = 'connect-failure,refused-stream';

function meshPolicy(service: BackendName, retryOn: string): RoutePolicy {
  const { timeout, perTryTimeout, attempts } = MESH_LIMITS[service];
  return { timeout, retries: { attempts, perTryTimeout, retryOn } };
}

/** The routes of a service's VirtualService, most specific first; the last one takes everything. */
export function routesOf(service: ServiceName, flavor: TrafficFlavor): Route[] {
  if (service === 'gateway' || flavor === 'code') return [{ name: 'all', policy: BACKSTOP }];
  const retryable = methodsOf(service).filter((m) => m.retryable);
  const routes: Route[] = [];
  if (retryable.length > 0) {
    routes.push({ name: 'idempotent', matches: retryable.map((m) => ({ path: m.path })), policy: meshPolicy(service, RETRY_ON_IDEMPOTENT) });
  }
  routes.push({ name: 'all', policy: meshPolicy(service, RETRY_ON_ANY) });
  return routes;
}

function istioMatch(m: RouteMatch): Record<string, unknown> {
  return {
    ...(m.path ? { uri: { exact: m.path } } : {}),
    ...(m.sourceApp ? { sourceLabels: { app: m.sourceApp } } : {}),
  };
}

function istioFault(f: RouteFault): Record<string, unknown> {
  return {
    ...(f.delay ? { delay: { fixedDelay: f.delay.fixedDelay, percentage: { value: f.delay.percent } } } : {}),
    ...(f.abort ? { abort: { grpcStatus: f.abort.grpcStatus, percentage: { value: f.abort.percent } } } : {}),
  };
}

/** One `spec.http` entry. */
function httpRoute(service: ServiceName, r: Route): Record<string, unknown> {
  return {
    name: r.name,
    ...(r.matches ? { match: r.matches.map(istioMatch) } : {}),
    ...(r.fault ? { fault: istioFault(r.fault) } : {}),
    route: [{ destination: { host: service, port: { number: SERVICES[service].port } } }],
    ...(r.policy ? { timeout: r.policy.timeout, retries: r.policy.retries } : {}),
  };
}

/** The VirtualService named after the service (a fault replaces it by applying one with the same name). */
export function virtualService(service: ServiceName, routes: Route[], namespace?: string): Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: service, ...(namespace ? { namespace } : {}), labels: labelsOf(service, 'routing') },
    spec: { hosts: [service], http: routes.map((r) => httpRoute(service, r)) },
  };
}

export function destinationRule(service: ServiceName, flavor: TrafficFlavor): Record<string, unknown> {
  const mesh = flavor === 'mesh';
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: service, labels: labelsOf(service, 'routing') },
    spec: {
      host: service,
      trafficPolicy: {
        // Per request, across the HTTP/2 connection gRPC keeps open.
        loadBalancer: { simple: 'LEAST_REQUEST' },
        connectionPool: {
          tcp: { maxConnections: 1024, connectTimeout: '1s' },
          http: mesh
            ? // A bulkhead, and a cap on retries in flight: the mesh's retry budget.
              { http2MaxRequests: 256, http1MaxPendingRequests: 64, maxRetries: 32 }
            : { http2MaxRequests: 1024 },
        },
        ...(mesh
          ? {
              outlierDetection: {
                consecutive5xxErrors: 5,
                consecutiveGatewayErrors: 3,
                interval: '5s',
                baseEjectionTime: '15s',
                maxEjectionPercent: 50,
              },
            }
          : {}),
      },
    },
  };
}

/** deploy/istio/services/<name>.yaml: the routing of one service in the given flavor. */
export function trafficManifests(service: ServiceName, flavor: TrafficFlavor): Record<string, unknown>[] {
  return [virtualService(service, routesOf(service, flavor)), destinationRule(service, flavor)];
}
