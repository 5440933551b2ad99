/**
 * The chaos experiments' faults as Istio VirtualServices, one file per
 * experiment. Each fault VirtualService has the name of the service's own
 * VirtualService, so `kubectl apply -f` replaces the routing of that service
 * for the duration of the experiment, and re-applying the stack restores it.
 * The file for a flavor keeps that flavor's routes for the requests the fault
 * does not match.
 *
 * Istio injects these faults in the caller's sidecar, before routing, and
 * gives a route with a fault no timeout or retries, for every request it
 * matches (so the fault route carries none); the callee's outlier detection
 * never sees an injected fault. Retries one hop further up (code, or the
 * mesh's on the caller's caller) do see them.
 */
import { callsOf, type BackendName, type ServiceName } from '@govrnanza/topology';
import { NAMESPACE } from './cluster';
import { methodPath } from './grpcMethods';
import { routesOf, virtualService, type Route, type RouteFault, type TrafficFlavor } from './traffic';

/** A fault on calls to one back-end. */
export interface FaultSpec {
  service: BackendName;
  /** Method names; default every method. */
  methods?: readonly string[];
  /** Only calls from this service; default every caller. */
  from?: ServiceName;
  fault: RouteFault;
}

/** A shipped experiment: its name (also its file name) and its faults, at most one per back-end. */
export interface ExperimentFaults {
  name: string;
  faults: readonly FaultSpec[];
}

const unavailable = (percent: number): RouteFault => ({ abort: { grpcStatus: 'UNAVAILABLE', percent } });

/** billing.GetUsage's fan-out, each leg slowed on one call in ten. */
function fanoutTail(): FaultSpec[] {
  return callsOf('billing', 'GetUsage').map((c) => ({
    service: c.downstream,
    methods: [c.method],
    from: 'billing' as const,
    fault: { delay: { fixedDelay: '250ms', percent: 10 } },
  }));
}

/** Every experiment that ships a fault for the mesh. */
export const EXPERIMENTS: readonly ExperimentFaults[] = [
  { name: 'profile-slow', faults: [{ service: 'profile', fault: { delay: { fixedDelay: '400ms', percent: 100 } } }] },
  { name: 'account-down', faults: [{ service: 'account', fault: unavailable(100) }] },
  { name: 'profile-flaky', faults: [{ service: 'profile', fault: unavailable(20) }] },
  { name: 'dependency-down-registry', faults: [{ service: 'registry', fault: unavailable(100) }] },
  { name: 'dependency-down-account', faults: [{ service: 'account', fault: unavailable(100) }] },
  { name: 'fanout-tail', faults: fanoutTail() },
  // A failure a retry can fix: RESILIENCE=code retries GetOrganization, none does not.
  { name: 'resilience-none-vs-code', faults: [{ service: 'account', methods: ['GetOrganization'], fault: unavailable(10) }] },
];

function faultRoute(spec: FaultSpec): Route {
  const paths = (spec.methods ?? []).map((m) => methodPath(spec.service, m));
  const matches = paths.length > 0 ? paths.map((path) => ({ path, ...(spec.from ? { sourceApp: spec.from } : {}) })) : spec.from ? [{ sourceApp: spec.from }] : undefined;
  return { name: 'fault', ...(matches ? { matches } : {}), fault: spec.fault };
}

/** The service's VirtualService with the fault's route in front (alone when it takes every request). */
export function faultVirtualService(spec: FaultSpec, flavor: TrafficFlavor): Record<string, unknown> {
  const route = faultRoute(spec);
  const routes = route.matches ? [route, ...routesOf(spec.service, flavor)] : [route];
  return virtualService(spec.service, routes, NAMESPACE);
}

/** The documents of one experiment's fault file. */
export function faultManifests(experiment: ExperimentFaults, flavor: TrafficFlavor): Record<string, unknown>[] {
  const services = experiment.faults.map((f) => f.service);
  if (new Set(services).size !== services.length) throw new Error(`${experiment.name}: one fault per service`);
  return experiment.faults.map((f) => faultVirtualService(f, flavor));
}
