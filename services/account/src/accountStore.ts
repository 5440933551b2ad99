import type { account } from '@govrnanza/contracts';
import type { Collection, IdempotencyStore, StorageBackend, StoredRecord } from '@govrnanza/storage';

/** An organisation as stored. */
export interface OrgRecord extends StoredRecord {
  name: string;
  plan: account.Plan;
  status: account.OrganizationStatus;
  frozenReason: string;
}

/** All organisations are listed under one owner: the platform. */
const ALL = 'all';

/** The account service's data: organisations, and its idempotency keys. */
export class AccountStore {
  private readonly orgs: Collection<OrgRecord>;
  readonly idempotency: IdempotencyStore;

  constructor(storage: StorageBackend) {
    this.orgs = storage.collection<OrgRecord>('orgs');
    this.idempotency = storage.idempotency;
  }

  static newOrg(id: string, name: string, plan: account.Plan, status: account.OrganizationStatus, now = Date.now()): OrgRecord {
    return { id, owner: ALL, createdAt: now, name, plan, status, frozenReason: '' };
  }

  /** Adds an organisation; names are unique regardless of case (DuplicateKeyError). */
  create(org: OrgRecord): Promise<void> {
    return this.orgs.insert(org, [nameKey(org.name)]);
  }

  get(id: string): Promise<OrgRecord | undefined> {
    return this.orgs.get(id);
  }

  save(org: OrgRecord): Promise<void> {
    return this.orgs.replace(org);
  }
}

function nameKey(name: string): string {
  return `name:${name.toLowerCase()}`;
}
