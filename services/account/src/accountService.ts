import { account } from '@govrnanza/contracts';
import { implement } from '@govrnanza/runtime';
import type { BackendModule } from '@govrnanza/service-runner';
import { SERVICES } from '@govrnanza/topology';
import { accountHandlers } from './accountHandlers';
import { AccountStore } from './accountStore';

/** The account service: organisations, plans and limits. It calls no one. */
export const accountService: BackendModule<Record<string, never>> = {
  name: 'account',
  config: () => ({}),
  start({ storage, config, log }) {
    const handlers = accountHandlers({ store: new AccountStore(storage), idempotencyTtlMs: config.idempotencyTtlMs });
    return [{ name: SERVICES.account.grpcService!, definition: account.AccountServiceService, implementation: implement(account.AccountServiceService, handlers, log) }];
  },
};
