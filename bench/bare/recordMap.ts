/**
 * A Map of records that hands out copies, as the services' in-memory store
 * does (`MemoryCollection` clones on every read), so the bare reference pays
 * for the same data access and the comparison isolates the stack around it.
 */
export class RecordMap<T extends { id: string }> {
  private readonly byId = new Map<string, T>();

  constructor(records: Iterable<T> = []) {
    for (const r of records) this.byId.set(r.id, r);
  }

  get(id: string): T | undefined {
    const r = this.byId.get(id);
    return r === undefined ? undefined : structuredClone(r);
  }

  /** Copies of every record, in insertion order. */
  all(): T[] {
    return [...this.byId.values()].map((r) => structuredClone(r));
  }

  get size(): number {
    return this.byId.size;
  }
}
