import type { registry } from '@govrnanza/contracts';
import type { Downstream, ResilienceEvents } from '@govrnanza/resilience';
import type { CallContext } from '@govrnanza/runtime';
import { countOrDegrade, type Counted } from './countsClient';

/** Billing's view of the registry: how many domains, sub-domains and APIs an organisation has. */
export class RegistryClient {
  constructor(
    private readonly ds: Downstream<typeof registry.RegistryServiceService>,
    private readonly events: ResilienceEvents,
    private readonly fallbacks: boolean,
  ) {}

  counts(orgId: string, ctx: CallContext): Promise<Counted<registry.CountResourcesResponse>> {
    return countOrDegrade('resources', 'registry', this.events, this.fallbacks, ctx, (c) => this.ds.countResources({ orgId }, c));
  }
}
