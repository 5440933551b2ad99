import type { profile } from '@govrnanza/contracts';
import type { Collection, IdempotencyStore, Page, StorageBackend, StoredRecord } from '@govrnanza/storage';

/** A profile as stored (owner = organisation id). */
export interface ProfileRecord extends StoredRecord {
  name: string;
  jobTitle: string;
  email: string;
  emailEnabled: boolean;
  digest: profile.DigestFrequency;
}

/** The profile service's data. Emails are unique within an organisation. */
export class ProfileStore {
  private readonly profiles: Collection<ProfileRecord>;
  readonly idempotency: IdempotencyStore;

  constructor(storage: StorageBackend) {
    this.profiles = storage.collection<ProfileRecord>('profiles');
    this.idempotency = storage.idempotency;
  }

  create(p: ProfileRecord): Promise<void> {
    return this.profiles.insert(p, [emailKey(p.owner, p.email)]);
  }

  /** The profile if it exists and belongs to `orgId`. */
  async get(orgId: string, id: string): Promise<ProfileRecord | undefined> {
    const p = await this.profiles.get(id);
    return p?.owner === orgId ? p : undefined;
  }

  async getMany(orgId: string, ids: readonly string[]): Promise<(ProfileRecord | undefined)[]> {
    return (await this.profiles.getMany(ids)).map((p) => (p?.owner === orgId ? p : undefined));
  }

  /** Saves changes; when the email changed, claims the new one first (DuplicateKeyError) and frees the old one. */
  async update(before: ProfileRecord, after: ProfileRecord): Promise<void> {
    if (before.email === after.email) return this.profiles.replace(after);
    await this.profiles.delete(before.id, [emailKey(before.owner, before.email)]);
    try {
      await this.profiles.insert(after, [emailKey(after.owner, after.email)]);
    } catch (err) {
      await this.profiles.insert(before, [emailKey(before.owner, before.email)]);
      throw err;
    }
  }

  list(orgId: string, limit: number, after?: string): Promise<Page<ProfileRecord>> {
    return this.profiles.list(orgId, limit, after);
  }

  count(orgId: string): Promise<number> {
    return this.profiles.count(orgId);
  }
}

function emailKey(orgId: string, email: string): string {
  return `email:${orgId}:${email.toLowerCase()}`;
}
