import { profile } from '@govrnanza/contracts';
import type { Downstream } from '@govrnanza/resilience';
import type { CallContext } from '@govrnanza/runtime';

/** The gateway's calls to profile. */
export class ProfileClient {
  constructor(private readonly ds: Downstream<typeof profile.ProfileServiceService>) {}

  async create(req: Omit<profile.CreateProfileRequest, 'notifications'>, ctx: CallContext): Promise<unknown> {
    return profile.CreateProfileResponse.toJSON(await this.ds.createProfile({ ...req, notifications: undefined }, ctx));
  }

  async get(orgId: string, profileId: string, ctx: CallContext): Promise<unknown> {
    return profile.GetProfileResponse.toJSON(await this.ds.getProfile({ orgId, profileId }, ctx));
  }

  async list(orgId: string, pageSize: number, pageToken: string, ctx: CallContext): Promise<unknown> {
    return profile.ListProfilesResponse.toJSON(await this.ds.listProfiles({ orgId, pageSize, pageToken }, ctx));
  }
}
