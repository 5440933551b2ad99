import { profile } from '@govrnanza/contracts';
import { Errors, newId, optionalText, requireEmail, requireId, requireText, type HandlersOf } from '@govrnanza/runtime';
import { decodePageToken, DuplicateKeyError, encodePageToken, idempotent, pageSize } from '@govrnanza/storage';
import type { AccountClient } from './clients/accountClient';
import type { ProfileRecord, ProfileStore } from './profileStore';

const { DigestFrequency } = profile;

/** Most ids one BatchGetProfiles may ask for. */
export const MAX_BATCH = 100;

export interface ProfileHandlerOptions {
  store: ProfileStore;
  account: AccountClient;
  idempotencyTtlMs: number;
}

/** The ProfileService handlers. */
export function profileHandlers({ store, account, idempotencyTtlMs }: ProfileHandlerOptions): HandlersOf<typeof profile.ProfileServiceService> {
  const load = async (orgId: string, id: string): Promise<ProfileRecord> => {
    const p = await store.get(requireId('org_id', orgId), requireId('profile_id', id));
    if (!p) throw Errors.notFound('profile', id);
    return p;
  };

  return {
    async createProfile(req, ctx) {
      const orgId = requireId('org_id', req.orgId);
      const fields = {
        name: requireText('name', req.name, 100),
        jobTitle: optionalText('job_title', req.jobTitle, 100),
        email: requireEmail('email', req.email),
        emailEnabled: req.notifications?.emailEnabled ?? true,
        digest: digestOf(req.notifications?.digest),
      };
      return idempotent(
        { store: store.idempotency, scope: `CreateProfile:${orgId}`, key: req.idempotencyKey, request: req, codec: profile.CreateProfileResponse, ttlMs: idempotencyTtlMs },
        async () => {
          const org = await account.organization(orgId, ctx);
          const limit = org.limits?.maxUsers ?? 0;
          if (limit > 0 && !org.limits?.payAsYouGo && (await store.count(orgId)) >= limit) throw Errors.planLimit('users', limit, planName(org));
          const record: ProfileRecord = { id: newId('prf'), owner: orgId, createdAt: Date.now(), ...fields };
          try {
            await store.create(record);
          } catch (err) {
            if (err instanceof DuplicateKeyError) throw Errors.alreadyExists('profile', 'with this email in the organization');
            throw err;
          }
          return { profile: toProfile(record) };
        },
      );
    },

    async getProfile(req) {
      return { profile: toProfile(await load(req.orgId, req.profileId)) };
    },

    async batchGetProfiles(req) {
      const orgId = requireId('org_id', req.orgId);
      if (req.profileIds.length > MAX_BATCH) throw Errors.invalidArgument('profile_ids', `at most ${MAX_BATCH} ids per call`);
      const ids = [...new Set(req.profileIds)];
      ids.forEach((id) => requireId('profile_ids', id));
      const found = await store.getMany(orgId, ids);
      return {
        profiles: found.filter((p): p is ProfileRecord => p !== undefined).map(toProfile),
        missingIds: ids.filter((_, i) => found[i] === undefined),
      };
    },

    async updateProfile(req) {
      const before = await load(req.orgId, req.profileId);
      const after: ProfileRecord = { ...before };
      if (req.name !== undefined) after.name = requireText('name', req.name, 100);
      if (req.jobTitle !== undefined) after.jobTitle = optionalText('job_title', req.jobTitle, 100);
      if (req.email !== undefined) after.email = requireEmail('email', req.email);
      if (req.notifications) {
        after.emailEnabled = req.notifications.emailEnabled;
        after.digest = digestOf(req.notifications.digest);
      }
      try {
        await store.update(before, after);
      } catch (err) {
        if (err instanceof DuplicateKeyError) throw Errors.alreadyExists('profile', 'with this email in the organization');
        throw err;
      }
      return { profile: toProfile(after) };
    },

    async listProfiles(req) {
      const orgId = requireId('org_id', req.orgId);
      const scope = `profiles:${orgId}`;
      const page = await store.list(orgId, pageSize(req.pageSize), decodePageToken(scope, req.pageToken));
      return { profiles: page.items.map(toProfile), nextPageToken: encodePageToken(scope, page.next) };
    },

    async countProfiles(req) {
      return { count: await store.count(requireId('org_id', req.orgId)) };
    },
  };
}

function digestOf(d: profile.DigestFrequency | undefined): profile.DigestFrequency {
  if (d === undefined || d === DigestFrequency.DIGEST_FREQUENCY_UNSPECIFIED) return DigestFrequency.DIGEST_FREQUENCY_WEEKLY;
  if (DigestFrequency[d] === undefined || d < 0) throw Errors.invalidArgument('notifications.digest', 'must be NEVER, DAILY or WEEKLY');
  return d;
}

function planName(org: { plan: number }): string {
  return ['unspecified', 'free', 'team', 'enterprise', 'pay-as-you-go'][org.plan] ?? 'this';
}

function toProfile(p: ProfileRecord): profile.Profile {
  return {
    id: p.id,
    orgId: p.owner,
    name: p.name,
    jobTitle: p.jobTitle,
    email: p.email,
    notifications: { emailEnabled: p.emailEnabled, digest: p.digest },
    createTime: new Date(p.createdAt),
  };
}
