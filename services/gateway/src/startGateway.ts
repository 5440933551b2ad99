import { account, billing, profile, registry } from '@govrnanza/contracts';
import { createDownstream, type Downstream } from '@govrnanza/resilience';
import { createLogger, readConfig, type Logger, type Stopper } from '@govrnanza/runtime';
import { attemptMetricsOf, policyFor, readServiceConfig, type BackendPlugin, type ServiceConfig } from '@govrnanza/service-runner';
import type { BackendName } from '@govrnanza/topology';
import { AccountClient } from './clients/accountClient';
import { BillingClient } from './clients/billingClient';
import { ProfileClient } from './clients/profileClient';
import { RegistryClient } from './clients/registryClient';
import { readGatewayConfig, type GatewayConfig } from './gatewayConfig';
import { createGatewayServer } from './gatewayServer';
import { routeHandlers } from './routeHandlers';

/** A running gateway. */
export interface RunningGateway {
  port: number;
  log: Logger;
  config: ServiceConfig & GatewayConfig;
  stoppers: Stopper[];
  stop(): Promise<void>;
}

/** Cross-cutting additions for the gateway: telemetry's events, attempt metrics and HTTP observer. */
export type GatewayPlugin = Pick<BackendPlugin, 'events' | 'start' | 'attemptMetrics' | 'httpObserver'>;

/** Starts the gateway: config once, one client per downstream, the HTTP server. */
export async function startGateway(plugins: GatewayPlugin[] = [], env: NodeJS.ProcessEnv = process.env): Promise<RunningGateway> {
  const config = readConfig((r) => ({ ...readServiceConfig(r, 'gateway'), ...readGatewayConfig(r) }), env);
  const log = createLogger('gateway', config.logLevel);
  const pluginStoppers: Stopper[] = [];
  for (const p of plugins) {
    const s = await p.start?.(config, log);
    if (s) pluginStoppers.push(s);
  }
  const closers: Downstream<object>[] = [];
  const connect = <D extends object>(name: BackendName, definition: D): Downstream<D> => {
    const events = plugins.find((p) => p.events)?.events?.('gateway', name);
    const attempts = attemptMetricsOf(plugins, name);
    const ds = createDownstream({
      caller: 'gateway',
      downstream: name,
      address: config.addresses[name]!,
      definition,
      mode: config.resilience,
      policy: policyFor(config.policies, name),
      ...(attempts ? { attempts } : {}),
      ...(events ? { events } : {}),
    });
    closers.push(ds as Downstream<object>);
    return ds;
  };
  const handlers = routeHandlers({
    account: new AccountClient(connect('account', account.AccountServiceService)),
    profile: new ProfileClient(connect('profile', profile.ProfileServiceService)),
    registry: new RegistryClient(connect('registry', registry.RegistryServiceService)),
    billing: new BillingClient(connect('billing', billing.BillingServiceService)),
  });
  const observer = plugins.find((p) => p.httpObserver)?.httpObserver?.();
  const gateway = createGatewayServer({ config, handlers, log, ...(observer ? { observer } : {}) });
  const port = await new Promise<number>((resolve, reject) => {
    gateway.server.once('error', reject);
    gateway.server.listen(config.port, config.host, () => {
      const addr = gateway.server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : config.port);
    });
  });
  log.info({ host: config.host, port, resilience: config.resilience, budgetMs: config.requestBudgetMs }, 'gateway listening');
  const stoppers: Stopper[] = [
    { name: 'http', stop: () => gateway.stop(config.shutdownGraceMs) },
    { name: 'downstreams', stop: async () => closers.forEach((c) => c.close()) },
    ...pluginStoppers,
  ];
  return {
    port,
    log,
    config,
    stoppers,
    async stop() {
      for (const s of stoppers) await s.stop();
    },
  };
}
