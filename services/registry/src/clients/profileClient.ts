import { common, profile, registry } from '@govrnanza/contracts';
import { fallbackReason, withFallbackReserve, type Downstream, type ResilienceEvents } from '@govrnanza/resilience';
import type { CallContext } from '@govrnanza/runtime';

/** Owners by profile id, which ids are unknown, and whether details are missing. */
export interface OwnerLookup {
  owners: Map<string, registry.Owner>;
  missing: Set<string>;
  degraded: common.Degradation | undefined;
}

/**
 * Registry's view of the profile service: owners' names and job titles, in
 * ONE batched call per response. When profile is down or slow the lookup
 * degrades (owners keep their ids only) instead of failing the request.
 */
export class ProfileClient {
  constructor(
    private readonly ds: Downstream<typeof profile.ProfileServiceService>,
    private readonly events: ResilienceEvents,
    private readonly options: { fallbacks: boolean },
  ) {}

  async owners(orgId: string, ids: Iterable<string>, ctx: CallContext): Promise<OwnerLookup> {
    const unique = [...new Set(ids)].filter((id) => id !== '');
    const owners = new Map<string, registry.Owner>();
    if (unique.length === 0) return { owners, missing: new Set(), degraded: undefined };
    try {
      const res = await this.ds.batchGetProfiles({ orgId, profileIds: unique }, this.options.fallbacks ? withFallbackReserve(ctx) : ctx);
      for (const p of res.profiles) owners.set(p.id, { id: p.id, name: p.name, jobTitle: p.jobTitle });
      return { owners, missing: new Set(res.missingIds), degraded: undefined };
    } catch (err) {
      const reason = fallbackReason(err);
      if (reason === undefined || !this.options.fallbacks) throw err;
      this.events.fallback(ctx.trace, 'owners', reason);
      return { owners, missing: new Set(), degraded: { part: 'owners', reason: `profile ${reason}: ${(err as Error).message}` } };
    }
  }
}
