import { account, billing, profile, registry } from '@govrnanza/contracts';
import { implement } from '@govrnanza/runtime';
import type { BackendModule } from '@govrnanza/service-runner';
import { SERVICES } from '@govrnanza/topology';
import { AccountClient } from './clients/accountClient';
import { ProfileClient } from './clients/profileClient';
import { RegistryClient } from './clients/registryClient';
import { billingHandlers } from './billingHandlers';
import { BillingStore } from './billingStore';

/** The billing service: usage, payments. Calls account, registry and profile. */
export const billingService: BackendModule<Record<string, never>> = {
  name: 'billing',
  config: () => ({}),
  start({ storage, config, log, downstream, events }) {
    const fallbacks = config.resilience !== 'none';
    const handlers = billingHandlers({
      store: new BillingStore(storage),
      account: new AccountClient(downstream('account', account.AccountServiceService)),
      registry: new RegistryClient(downstream('registry', registry.RegistryServiceService), events('registry'), fallbacks),
      profile: new ProfileClient(downstream('profile', profile.ProfileServiceService), events('profile'), fallbacks),
      idempotencyTtlMs: config.idempotencyTtlMs,
    });
    return [{ name: SERVICES.billing.grpcService!, definition: billing.BillingServiceService, implementation: implement(billing.BillingServiceService, handlers, log) }];
  },
};
