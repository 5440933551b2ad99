import type { profile } from '@govrnanza/contracts';
import type { Downstream, ResilienceEvents } from '@govrnanza/resilience';
import type { CallContext } from '@govrnanza/runtime';
import { countOrDegrade, type Counted } from './countsClient';

/** Billing's view of the profile service: how many users an organisation has. */
export class ProfileClient {
  constructor(
    private readonly ds: Downstream<typeof profile.ProfileServiceService>,
    private readonly events: ResilienceEvents,
    private readonly fallbacks: boolean,
  ) {}

  async users(orgId: string, ctx: CallContext): Promise<Counted<number>> {
    return countOrDegrade('users', 'profile', this.events, this.fallbacks, ctx, async (c) => (await this.ds.countProfiles({ orgId }, c)).count);
  }
}
