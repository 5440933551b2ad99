/**
 * The chaos experiments' faults as Istio VirtualServices, one file per
 * experiment, rendered from the experiments themselves (experiments/*.yaml):
 * one definition of each fault serves the local runs (the services' fault
 * admin RPC) and the cluster. Each fault VirtualService has the name of the
 * service's own VirtualService, so `kubectl apply -f` replaces the routing of
 * that service for the duration of the experiment, and re-applying the stack
 * restores it. The file for a flavor keeps that flavor's routes for the
 * requests the fault does not match.
 *
 * Istio injects these faults in the caller's sidecar, before routing, and
 * gives a route with a fault no timeout or retries, for every request it
 * matches (so the fault route carries none); the callee's outlier detection
 * never sees an injected fault. Retries one hop further up (code, or the
 * mesh's on the caller's caller) do see them.
 *
 * What Istio cannot say the same way: it adds one fixed delay to a share of
 * calls, so a latency distribution ({p50, p90, p99, p999}) becomes its top
 * decile, the mean of the slowest 10 % of draws on 10 % of the calls (the share
 * and the weight of the tail kept, the body dropped); an annotation on the
 * VirtualService says so. A dropped response (`drop`) and method globs have
 * no Istio equivalent and are refused.
 */
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import { latencyDistribution, type FaultRuleSpec } from '@govrnanza/faults';
import { SERVICES, type BackendName } from '@govrnanza/topology';
import { loadExperiment, shippedNames, type Experiment } from '../experiment/experimentFile';
import { NAMESPACE } from './cluster';
import { methodPath } from './grpcMethods';
import { routesOf, virtualService, type Route, type RouteFault, type TrafficFlavor } from './traffic';

/** The shipped experiments, one file each. */
export const EXPERIMENTS_DIR = path.resolve(__dirname, '..', '..', 'experiments');

/** A fault on calls to one back-end. */
export interface FaultSpec {
  service: BackendName;
  /** Method names; default every method. */
  methods?: readonly string[];
  fault: RouteFault;
  /** How the rule had to be approximated for Istio, if it had to. */
  approximation?: string;
}

/** An experiment's faults as Istio can inject them: its name (also its file name), at most one fault per back-end. */
export interface ExperimentFaults {
  name: string;
  faults: readonly FaultSpec[];
}

/** The Istio faults of one experiment. @throws Error naming the rule Istio cannot express. */
export function istioFaultsOf(experiment: Pick<Experiment, 'name' | 'faults'>): ExperimentFaults {
  const faults = experiment.faults.map((rule, i) => {
    try {
      return faultSpecOf(rule);
    } catch (err) {
      throw new Error(`${experiment.name}: fault rule ${i}: ${(err as Error).message}`);
    }
  });
  return { name: experiment.name, faults };
}

/** Every shipped experiment's faults, read from experiments/. */
export const EXPERIMENTS: readonly ExperimentFaults[] = shippedNames(EXPERIMENTS_DIR).map((name) => istioFaultsOf(loadExperiment(name, EXPERIMENTS_DIR)));

function faultSpecOf(rule: FaultRuleSpec): FaultSpec {
  if (rule.service === 'gateway') throw new Error('the gateway is not behind a VirtualService fault: fault a back-end');
  if (rule.drop) throw new Error('a dropped response (drop) has no Istio equivalent');
  const service = rule.service;
  const methods = methodsOf(service, rule.method ?? '*');
  const percent = rule.percent ?? 100;
  const fault: RouteFault = {};
  let approximation: string | undefined;
  if (rule.delayMs !== undefined) fault.delay = { fixedDelay: `${Math.round(rule.delayMs)}ms`, percent };
  if (rule.latency !== undefined) {
    const tailMs = Math.round(topDecileMean(rule.latency));
    fault.delay = { fixedDelay: `${tailMs}ms`, percent: percent / 10 };
    const { p50, p90, p99, p999 } = rule.latency;
    approximation = `latency {p50: ${p50}, p90: ${p90}, p99: ${p99}, p999: ${p999}} ms as ${tailMs}ms (its slowest 10 %'s mean) on ${percent / 10} % of calls: Istio adds fixed delays only`;
  }
  if (rule.abort !== undefined) fault.abort = { grpcStatus: codeName(rule.abort), percent };
  return { service, ...(methods ? { methods } : {}), fault, ...(approximation ? { approximation } : {}) };
}

/** Method names for a rule's pattern; undefined for every method. */
function methodsOf(service: BackendName, pattern: string): string[] | undefined {
  if (pattern === '*') return undefined;
  if (pattern.includes('*')) throw new Error(`method "${pattern}": Istio matches exact paths; name the methods`);
  const slash = pattern.lastIndexOf('/');
  if (slash >= 0) {
    const grpcService = pattern.slice(0, slash).replace(/^\//, '');
    if (grpcService !== SERVICES[service].grpcService) throw new Error(`method "${pattern}" is not a method of ${service}`);
  }
  const name = pattern.slice(slash + 1);
  methodPath(service, name);
  return [name];
}

function codeName(code: string | number): string {
  const name = typeof code === 'number' ? status[code] : code.toUpperCase();
  if (name === undefined || (status as unknown as Record<string, number>)[name] === undefined) throw new Error(`abort: unknown gRPC code ${String(code)}`);
  return name;
}

/** The mean of the slowest 10 % of a latency spec's draws, ms (midpoint rule over its quantile function). */
function topDecileMean(spec: NonNullable<FaultRuleSpec['latency']>): number {
  const d = latencyDistribution(spec);
  const steps = 1000;
  let sum = 0;
  for (let i = 0; i < steps; i++) sum += d.quantile(0.9 + (0.1 * (i + 0.5)) / steps);
  return sum / steps;
}

function faultRoute(spec: FaultSpec): Route {
  const matches = spec.methods?.map((m) => ({ path: methodPath(spec.service, m) }));
  return { name: 'fault', ...(matches ? { matches } : {}), fault: spec.fault };
}

/** The service's VirtualService with the fault's route in front (alone when it takes every request). */
export function faultVirtualService(spec: FaultSpec, flavor: TrafficFlavor, experiment?: string): Record<string, unknown> {
  const route = faultRoute(spec);
  const routes = route.matches ? [route, ...routesOf(spec.service, flavor)] : [route];
  const vs = virtualService(spec.service, routes, NAMESPACE) as { metadata: Record<string, unknown> };
  const annotations = {
    ...(experiment ? { 'govrnanza.io/experiment': experiment } : {}),
    ...(spec.approximation ? { 'govrnanza.io/fault-approximation': spec.approximation } : {}),
  };
  if (Object.keys(annotations).length > 0) vs.metadata.annotations = annotations;
  return vs;
}

/** The documents of one experiment's fault file. */
export function faultManifests(experiment: ExperimentFaults, flavor: TrafficFlavor): Record<string, unknown>[] {
  const services = experiment.faults.map((f) => f.service);
  if (new Set(services).size !== services.length) throw new Error(`${experiment.name}: Istio takes one fault per service (one VirtualService each)`);
  return experiment.faults.map((f) => faultVirtualService(f, flavor, experiment.name));
}
