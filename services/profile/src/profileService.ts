import { account, profile } from '@govrnanza/contracts';
import { implement } from '@govrnanza/runtime';
import type { BackendModule } from '@govrnanza/service-runner';
import { SERVICES } from '@govrnanza/topology';
import { AccountClient } from './clients/accountClient';
import { profileHandlers } from './profileHandlers';
import { ProfileStore } from './profileStore';

/** The profile service: user profiles. Creating one asks account whether the organisation exists. */
export const profileService: BackendModule<Record<string, never>> = {
  name: 'profile',
  config: () => ({}),
  start({ storage, config, log, downstream }) {
    const handlers = profileHandlers({
      store: new ProfileStore(storage),
      account: new AccountClient(downstream('account', account.AccountServiceService)),
      idempotencyTtlMs: config.idempotencyTtlMs,
    });
    return [{ name: SERVICES.profile.grpcService!, definition: profile.ProfileServiceService, implementation: implement(profile.ProfileServiceService, handlers, log) }];
  },
};
