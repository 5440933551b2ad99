/** A stored record: an id, the owner it is listed under (an organisation), and a creation time. */
export interface StoredRecord {
  id: string;
  /** Owner id the record is listed and counted under (e.g. an organisation id). */
  owner: string;
  /** Creation time, epoch ms. */
  createdAt: number;
}

/** A page of records and the cursor of the next page (undefined on the last page). */
export interface Page<T> {
  items: T[];
  next: string | undefined;
}

/** Thrown by `insert` when a unique key is taken; carries the key's label. */
export class DuplicateKeyError extends Error {
  constructor(readonly key: string) {
    super(`duplicate key ${key}`);
    this.name = 'DuplicateKeyError';
  }
}

/**
 * A set of records of one kind, listed per owner in creation order. Both
 * implementations (memory, Redis) pass the same contract tests.
 */
export interface Collection<T extends StoredRecord> {
  get(id: string): Promise<T | undefined>;
  /** Records for `ids`, in the same order; undefined where missing. */
  getMany(ids: readonly string[]): Promise<(T | undefined)[]>;
  /**
   * Adds a new record. Each of `uniqueKeys` (e.g. `name:<org>:<name>`) must be
   * free, or DuplicateKeyError is thrown and nothing is written.
   */
  insert(record: T, uniqueKeys?: readonly string[]): Promise<void>;
  /** Replaces an existing record (same id and owner). */
  replace(record: T): Promise<void>;
  /** Removes a record and frees its unique keys; false when it did not exist. */
  delete(id: string, uniqueKeys?: readonly string[]): Promise<boolean>;
  /** Up to `limit` records of `owner` created after cursor `after`. */
  list(owner: string, limit: number, after?: string): Promise<Page<T>>;
  /** How many records `owner` has. */
  count(owner: string): Promise<number>;
}
