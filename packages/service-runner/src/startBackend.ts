import type { handleUnaryCall, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { createDownstream, NO_EVENTS, type Downstream, type ResilienceEvents } from '@govrnanza/resilience';
import { createLogger, readConfig, runMain, startGrpcServer, type EnvReader, type Logger, type ServedService, type Stopper } from '@govrnanza/runtime';
import { openStorage, redactUrl, type StorageBackend } from '@govrnanza/storage';
import type { AttemptMetrics } from '@govrnanza/telemetry';
import type { BackendName } from '@govrnanza/topology';
import { readServiceConfig, type ServiceConfig } from './backendConfig';
import { policyFor } from './policyConfig';
import { standardPlugin } from './standardPlugin';

/** What a back-end's start function gets: its config and ready-made infrastructure. */
export interface BackendContext<C> {
  config: C & ServiceConfig;
  log: Logger;
  storage: StorageBackend;
  /** The client of a downstream, with its policy stack and telemetry, built once. */
  downstream<D extends object>(name: BackendName, definition: D): Downstream<D>;
  /** The event sink of a downstream (client modules count fallbacks and fail-open decisions there). */
  events(name: BackendName): ResilienceEvents;
}

/** A back-end service: its name, its own settings, and how to build its gRPC services. */
export interface BackendModule<C> {
  name: BackendName;
  /** Reads the service's own settings (beyond the common ones). */
  config(env: EnvReader): C;
  start(ctx: BackendContext<C>): Promise<ServedService[]> | ServedService[];
}

/** Hooks that add cross-cutting behaviour (telemetry, faults) to every back-end. */
export interface BackendPlugin {
  /** Records every attempt on the wire to `downstream` (at most one plugin gives it). */
  attemptMetrics?(downstream: BackendName): AttemptMetrics | undefined;
  events?(caller: string, downstream: BackendName): ResilienceEvents;
  /** Wraps each unary handler of the domain services (span, server metrics, fault injection). */
  wrapHandler?(path: string, handler: handleUnaryCall<unknown, unknown>): handleUnaryCall<unknown, unknown>;
  /** Records each HTTP request the gateway answers. */
  httpObserver?(): { observe(route: string, method: string, status: number, seconds: number): void };
  /** Extra gRPC services (e.g. fault admin). */
  services?(config: ServiceConfig, log: Logger): ServedService[];
  start?(config: ServiceConfig, log: Logger): Promise<Stopper | void>;
}

/** A running back-end. */
export interface RunningBackend {
  port: number;
  log: Logger;
  config: ServiceConfig;
  stoppers: Stopper[];
  /** Stops everything in order (gRPC drain, downstream channels, storage, plugins). */
  stop(): Promise<void>;
}

/**
 * Starts a back-end: reads config once, opens storage, builds downstream
 * clients, starts the gRPC server with health and reflection, and returns the
 * stoppers in shutdown order.
 */
export async function startBackend<C>(mod: BackendModule<C>, plugins: BackendPlugin[] = [], env: NodeJS.ProcessEnv = process.env): Promise<RunningBackend> {
  const config = readConfig((r) => ({ ...readServiceConfig(r, mod.name), ...mod.config(r) }), env);
  const log = createLogger(mod.name, config.logLevel);
  const storage = await openStorage(config.redisUrl, config.redisKeyPrefix);
  log.info({ storage: storage.kind, redis: config.redisUrl ? redactUrl(config.redisUrl) : undefined, resilience: config.resilience }, 'starting');

  const pluginStoppers: Stopper[] = [];
  for (const p of plugins) {
    const s = await p.start?.(config, log);
    if (s) pluginStoppers.push(s);
  }
  const eventsOf = (d: BackendName): ResilienceEvents => combineEvents(plugins.flatMap((p) => (p.events ? [p.events(mod.name, d)] : [])));
  const clients: Downstream<object>[] = [];
  const ctx: BackendContext<C> = {
    config,
    log,
    storage,
    events: eventsOf,
    downstream<D extends object>(name: BackendName, definition: D) {
      const address = config.addresses[name];
      if (!address) throw new Error(`${mod.name} does not call ${name} in the call graph`);
      const client = createDownstream({
        caller: mod.name,
        downstream: name,
        address,
        definition,
        mode: config.resilience,
        policy: policyFor(config.policies, name),
        events: eventsOf(name),
        attempts: attemptMetricsOf(plugins, name),
      });
      clients.push(client as Downstream<object>);
      return client;
    },
  };
  const domain = (await mod.start(ctx)).map((s) => ({ ...s, implementation: wrapHandlers(s.definition, s.implementation, plugins) }));
  const services = [...domain, ...plugins.flatMap((p) => p.services?.(config, log) ?? [])];
  const server = await startGrpcServer({
    host: config.host,
    port: config.port,
    services,
    log,
  });
  const watch = watchStorage(storage, config.healthCheckIntervalMs, server.setServing, log);
  const stoppers: Stopper[] = [
    { name: 'health', stop: async () => clearInterval(watch) },
    { name: 'grpc', stop: () => server.stop(config.shutdownGraceMs) },
    { name: 'downstreams', stop: async () => clients.forEach((c) => c.close()) },
    { name: 'storage', stop: () => storage.close() },
    ...pluginStoppers,
  ];
  return {
    port: server.port,
    log,
    config,
    stoppers,
    async stop() {
      for (const s of stoppers) await s.stop();
    },
  };
}

/**
 * Health follows the store: a back-end whose Redis does not answer PING
 * reports NOT_SERVING (so a load balancer or Kubernetes stops sending it
 * traffic) until Redis answers again.
 */
function watchStorage(storage: StorageBackend, intervalMs: number, setServing: (serving: boolean) => void, log: Logger): NodeJS.Timeout {
  let serving = true;
  const timer = setInterval(() => {
    storage.ping().then(
      () => {
        if (!serving) log.info('store reachable again: SERVING');
        serving = true;
        setServing(true);
      },
      (err: unknown) => {
        if (serving) log.error({ err: (err as Error).message }, 'store unreachable: NOT_SERVING');
        serving = false;
        setServing(false);
      },
    );
  }, intervalMs);
  timer.unref();
  return timer;
}

/** Applies every plugin's handler wrapper to each method of a service. */
function wrapHandlers(definition: ServiceDefinition, implementation: UntypedServiceImplementation, plugins: BackendPlugin[]): UntypedServiceImplementation {
  const wrappers = plugins.flatMap((p) => (p.wrapHandler ? [p.wrapHandler.bind(p)] : []));
  if (wrappers.length === 0) return implementation;
  const out: UntypedServiceImplementation = {};
  for (const [key, handler] of Object.entries(implementation)) {
    const path = (definition[key] as { path: string }).path;
    out[key] = wrappers.reduce((h, wrap) => wrap(path, h as handleUnaryCall<unknown, unknown>), handler);
  }
  return out;
}

/** The attempt metrics a plugin gives for `downstream`, if any. */
export function attemptMetricsOf(plugins: BackendPlugin[], downstream: BackendName): AttemptMetrics | undefined {
  for (const p of plugins) {
    const found = p.attemptMetrics?.(downstream);
    if (found) return found;
  }
  return undefined;
}

/** One ResilienceEvents that forwards to several. */
export function combineEvents(sinks: ResilienceEvents[]): ResilienceEvents {
  if (sinks.length === 0) return NO_EVENTS;
  if (sinks.length === 1) return sinks[0]!;
  const out = {} as Record<keyof ResilienceEvents, (...args: never[]) => void>;
  for (const k of Object.keys(NO_EVENTS) as (keyof ResilienceEvents)[]) {
    out[k] = (...args: never[]) => sinks.forEach((s) => (s[k] as (...a: never[]) => void)(...args));
  }
  return out as unknown as ResilienceEvents;
}

/** The process entry of a back-end: start, then stop cleanly on SIGTERM/SIGINT. */
export function runBackend<C>(mod: BackendModule<C>, plugins: BackendPlugin[] = [standardPlugin()]): void {
  runMain(async () => {
    const b = await startBackend(mod, plugins);
    return { log: b.log, stoppers: b.stoppers };
  });
}
