import { account, profile, registry } from '@govrnanza/contracts';
import { implement } from '@govrnanza/runtime';
import type { BackendModule } from '@govrnanza/service-runner';
import { SERVICES } from '@govrnanza/topology';
import { AccountClient } from './clients/accountClient';
import { ProfileClient } from './clients/profileClient';
import { readRegistryConfig, type RegistryConfig } from './registryConfig';
import { registryHandlers } from './registryHandlers';
import { RegistryStore } from './registryStore';

/** The registry service: domains, sub-domains and APIs. Calls account (status, limits) and profile (owners). */
export const registryService: BackendModule<RegistryConfig> = {
  name: 'registry',
  config: readRegistryConfig,
  start({ storage, config, log, downstream, events }) {
    const fallbacks = config.resilience !== 'none';
    const handlers = registryHandlers({
      store: new RegistryStore(storage),
      account: new AccountClient(downstream('account', account.AccountServiceService), events('account'), { failureMode: config.accountFailureMode, fallbacks }),
      profile: new ProfileClient(downstream('profile', profile.ProfileServiceService), events('profile'), { fallbacks }),
      idempotencyTtlMs: config.idempotencyTtlMs,
    });
    return [{ name: SERVICES.registry.grpcService!, definition: registry.RegistryServiceService, implementation: implement(registry.RegistryServiceService, handlers, log) }];
  },
};
