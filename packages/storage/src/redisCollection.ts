import type { Redis } from 'ioredis';
import { DuplicateKeyError, type Collection, type Page, type StoredRecord } from './collection';

/**
 * A Collection in Redis. Keys (under the connection's per-service prefix):
 *   <name>:r:<id>        the record as JSON
 *   <name>:o:<owner>     sorted set of ids by insertion sequence
 *   <name>:seq           the insertion sequence
 *   <name>:u:<key>       unique key → id (claimed with SET NX)
 */
export class RedisCollection<T extends StoredRecord> implements Collection<T> {
  constructor(
    private readonly redis: Redis,
    private readonly name: string,
  ) {}

  async get(id: string): Promise<T | undefined> {
    return parse<T>(await this.redis.get(this.recordKey(id)));
  }

  async getMany(ids: readonly string[]): Promise<(T | undefined)[]> {
    if (ids.length === 0) return [];
    const values = await this.redis.mget(...ids.map((id) => this.recordKey(id)));
    return values.map((v) => parse<T>(v));
  }

  async insert(record: T, uniqueKeys: readonly string[] = []): Promise<void> {
    const claimed: string[] = [];
    for (const k of [`id:${record.id}`, ...uniqueKeys]) {
      const ok = await this.redis.set(this.uniqueKey(k), record.id, 'NX');
      if (ok !== 'OK') {
        if (claimed.length > 0) await this.redis.del(...claimed.map((c) => this.uniqueKey(c)));
        throw new DuplicateKeyError(k);
      }
      claimed.push(k);
    }
    const seq = await this.redis.incr(`${this.name}:seq`);
    await this.redis
      .multi()
      .set(this.recordKey(record.id), JSON.stringify(record))
      .zadd(this.ownerKey(record.owner), seq, record.id)
      .exec();
  }

  async replace(record: T): Promise<void> {
    const ok = await this.redis.set(this.recordKey(record.id), JSON.stringify(record), 'XX');
    if (ok !== 'OK') throw new Error(`no record ${record.id}`);
  }

  async delete(id: string, uniqueKeys: readonly string[] = []): Promise<boolean> {
    const existing = await this.get(id);
    if (!existing) return false;
    await this.redis
      .multi()
      .del(this.recordKey(id), ...[`id:${id}`, ...uniqueKeys].map((k) => this.uniqueKey(k)))
      .zrem(this.ownerKey(existing.owner), id)
      .exec();
    return true;
  }

  async list(owner: string, limit: number, after?: string): Promise<Page<T>> {
    const min = after === undefined ? '-inf' : `(${after}`;
    const raw = await this.redis.zrangebyscore(this.ownerKey(owner), min, '+inf', 'WITHSCORES', 'LIMIT', 0, limit + 1);
    const entries: { id: string; seq: string }[] = [];
    for (let i = 0; i < raw.length; i += 2) entries.push({ id: raw[i]!, seq: raw[i + 1]! });
    const page = entries.slice(0, limit);
    const items = (await this.getMany(page.map((e) => e.id))).filter((r): r is T => r !== undefined);
    return { items, next: entries.length > limit ? page[page.length - 1]!.seq : undefined };
  }

  async count(owner: string): Promise<number> {
    return this.redis.zcard(this.ownerKey(owner));
  }

  private recordKey(id: string): string {
    return `${this.name}:r:${id}`;
  }
  private ownerKey(owner: string): string {
    return `${this.name}:o:${owner}`;
  }
  private uniqueKey(key: string): string {
    return `${this.name}:u:${key}`;
  }
}

function parse<T>(value: string | null): T | undefined {
  return value === null ? undefined : (JSON.parse(value) as T);
}
