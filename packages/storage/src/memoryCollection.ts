import { DuplicateKeyError, type Collection, type Page, type StoredRecord } from './collection';

/** An in-memory Collection: the default store of a local run. */
export class MemoryCollection<T extends StoredRecord> implements Collection<T> {
  private readonly records = new Map<string, { record: T; seq: number }>();
  private readonly byOwner = new Map<string, { seq: number; id: string }[]>();
  private readonly unique = new Map<string, string>();
  private seq = 0;

  async get(id: string): Promise<T | undefined> {
    return clone(this.records.get(id)?.record);
  }

  async getMany(ids: readonly string[]): Promise<(T | undefined)[]> {
    return ids.map((id) => clone(this.records.get(id)?.record));
  }

  async insert(record: T, uniqueKeys: readonly string[] = []): Promise<void> {
    const taken = uniqueKeys.find((k) => this.unique.has(k));
    if (taken !== undefined) throw new DuplicateKeyError(taken);
    if (this.records.has(record.id)) throw new DuplicateKeyError(`id:${record.id}`);
    for (const k of uniqueKeys) this.unique.set(k, record.id);
    const seq = ++this.seq;
    this.records.set(record.id, { record: clone(record)!, seq });
    const list = this.byOwner.get(record.owner) ?? [];
    list.push({ seq, id: record.id });
    this.byOwner.set(record.owner, list);
  }

  async replace(record: T): Promise<void> {
    const existing = this.records.get(record.id);
    if (!existing) throw new Error(`no record ${record.id}`);
    existing.record = clone(record)!;
  }

  async delete(id: string, uniqueKeys: readonly string[] = []): Promise<boolean> {
    const existing = this.records.get(id);
    if (!existing) return false;
    this.records.delete(id);
    for (const k of uniqueKeys) if (this.unique.get(k) === id) this.unique.delete(k);
    const list = this.byOwner.get(existing.record.owner) ?? [];
    this.byOwner.set(
      existing.record.owner,
      list.filter((e) => e.id !== id),
    );
    return true;
  }

  async list(owner: string, limit: number, after?: string): Promise<Page<T>> {
    const from = after === undefined ? 0 : Number(after);
    const entries = (this.byOwner.get(owner) ?? []).filter((e) => e.seq > from).slice(0, limit + 1);
    const page = entries.slice(0, limit);
    const items = page.map((e) => clone(this.records.get(e.id)!.record)!);
    return { items, next: entries.length > limit ? String(page[page.length - 1]!.seq) : undefined };
  }

  async count(owner: string): Promise<number> {
    return this.byOwner.get(owner)?.length ?? 0;
  }
}

// Callers get copies, as they would from Redis, so no one mutates stored state by accident.
function clone<T>(v: T | undefined): T | undefined {
  return v === undefined ? undefined : structuredClone(v);
}
