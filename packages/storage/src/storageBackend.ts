import { Redis } from 'ioredis';
import type { Collection, StoredRecord } from './collection';
import { MemoryIdempotencyStore, RedisIdempotencyStore, type IdempotencyStore } from './idempotencyStore';
import { MemoryCollection } from './memoryCollection';
import { RedisCollection } from './redisCollection';
import { guardStore } from './storeUnavailable';
import { keepStringPrototypeFast } from './stringPrototype';

// ioredis, imported above, subclasses String as it loads; see keepStringPrototypeFast.
keepStringPrototypeFast();

/** Where a service keeps its data: collections and idempotency keys. */
export interface StorageBackend {
  readonly kind: 'memory' | 'redis';
  collection<T extends StoredRecord>(name: string): Collection<T>;
  readonly idempotency: IdempotencyStore;
  /** Health of the backing store (PING for Redis). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** An in-memory backend. */
export function memoryBackend(): StorageBackend {
  const collections = new Map<string, Collection<StoredRecord>>();
  return {
    kind: 'memory',
    collection<T extends StoredRecord>(name: string) {
      if (!collections.has(name)) collections.set(name, new MemoryCollection<StoredRecord>());
      return collections.get(name) as unknown as Collection<T>;
    },
    idempotency: new MemoryIdempotencyStore(),
    ping: async () => {},
    close: async () => {},
  };
}

/**
 * A Redis backend on its own connection, every key under `keyPrefix` (one
 * prefix per service: no service reads another's keys). Resolves once Redis
 * answers; rejects with a clear message when it cannot be reached in `connectTimeoutMs`.
 */
export async function redisBackend(url: string, keyPrefix: string, connectTimeoutMs = 5000): Promise<StorageBackend> {
  const redis = new Redis(url, { keyPrefix, lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: connectTimeoutMs, enableAutoPipelining: true });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${redactUrl(url)}: ${(err as Error).message}`);
  }
  return {
    kind: 'redis',
    collection: <T extends StoredRecord>(name: string) => guardStore(new RedisCollection<T>(redis, name)),
    idempotency: guardStore(new RedisIdempotencyStore(redis)),
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      await redis.quit();
    },
  };
}

/** The storage a service's config asks for: Redis when a URL is set, memory otherwise. */
export function openStorage(redisUrl: string | undefined, keyPrefix: string): Promise<StorageBackend> {
  return redisUrl ? redisBackend(redisUrl, keyPrefix) : Promise.resolve(memoryBackend());
}

/** A Redis URL without its password, fit for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}
