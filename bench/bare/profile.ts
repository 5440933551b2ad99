/** Bare profile: BatchGetProfiles and CountProfiles from an in-memory map, on a plain grpc-js server. */
import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { profile } from '@govrnanza/contracts';
import { serveBare } from './bareServer';
import { benchDataFromEnv } from './benchData';
import { RecordMap } from './recordMap';

const data = benchDataFromEnv();
const profiles = new RecordMap(data.profiles.map((p) => ({ ...p, owner: data.org.id })));

function toProfile(p: NonNullable<ReturnType<typeof profiles.get>>): profile.Profile {
  return {
    id: p.id,
    orgId: p.owner,
    name: p.name,
    jobTitle: p.jobTitle,
    email: p.email,
    notifications: { emailEnabled: true, digest: profile.DigestFrequency.DIGEST_FREQUENCY_WEEKLY },
    createTime: new Date(p.createdAt),
  };
}

serveBare(profile.ProfileServiceService, {
  batchGetProfiles(call: ServerUnaryCall<profile.BatchGetProfilesRequest, profile.BatchGetProfilesResponse>, callback: sendUnaryData<profile.BatchGetProfilesResponse>) {
    const { orgId, profileIds } = call.request;
    if (profileIds.length > 100) return callback({ code: status.INVALID_ARGUMENT, details: 'at most 100 ids' });
    const ids = [...new Set(profileIds)];
    const found = ids.map((id) => {
      const p = profiles.get(id);
      return p?.owner === orgId ? p : undefined;
    });
    callback(null, {
      profiles: found.filter((p) => p !== undefined).map(toProfile),
      missingIds: ids.filter((_, i) => found[i] === undefined),
    });
  },
  countProfiles(call: ServerUnaryCall<profile.CountProfilesRequest, profile.CountProfilesResponse>, callback: sendUnaryData<profile.CountProfilesResponse>) {
    callback(null, { count: call.request.orgId === data.org.id ? profiles.size : 0 });
  },
});
