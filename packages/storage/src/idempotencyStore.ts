import type { Redis } from 'ioredis';

/** The state of an idempotency key. */
export type KeyState =
  | { state: 'new' }
  | { state: 'pending'; fingerprint: string }
  | { state: 'done'; fingerprint: string; response: string };

/** Remembers the results of requests that carried an idempotency key, for a TTL. */
export interface IdempotencyStore {
  /** Claims `key` if it is new (then the caller must `complete` or `abandon` it). */
  begin(key: string, fingerprint: string, ttlMs: number): Promise<KeyState>;
  complete(key: string, fingerprint: string, response: string, ttlMs: number): Promise<void>;
  abandon(key: string): Promise<void>;
}

type Entry = { fingerprint: string; response?: string; expires: number };

/** In-memory IdempotencyStore. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly now: () => number = Date.now) {}

  async begin(key: string, fingerprint: string, ttlMs: number): Promise<KeyState> {
    this.sweep();
    const e = this.entries.get(key);
    if (!e) {
      this.entries.set(key, { fingerprint, expires: this.now() + ttlMs });
      return { state: 'new' };
    }
    return toState(e);
  }

  async complete(key: string, fingerprint: string, response: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { fingerprint, response, expires: this.now() + ttlMs });
  }

  async abandon(key: string): Promise<void> {
    this.entries.delete(key);
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, e] of this.entries) if (e.expires <= now) this.entries.delete(k);
  }
}

/** IdempotencyStore in Redis: `idem:<key>` claimed with SET NX PX, so concurrent retries cannot both run. */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(private readonly redis: Redis) {}

  async begin(key: string, fingerprint: string, ttlMs: number): Promise<KeyState> {
    const k = `idem:${key}`;
    const ok = await this.redis.set(k, JSON.stringify({ fingerprint }), 'PX', ttlMs, 'NX');
    if (ok === 'OK') return { state: 'new' };
    const raw = await this.redis.get(k);
    if (raw === null) return this.begin(key, fingerprint, ttlMs);
    return toState(JSON.parse(raw) as Entry);
  }

  async complete(key: string, fingerprint: string, response: string, ttlMs: number): Promise<void> {
    await this.redis.set(`idem:${key}`, JSON.stringify({ fingerprint, response }), 'PX', ttlMs);
  }

  async abandon(key: string): Promise<void> {
    await this.redis.del(`idem:${key}`);
  }
}

function toState(e: Entry): KeyState {
  return e.response === undefined ? { state: 'pending', fingerprint: e.fingerprint } : { state: 'done', fingerprint: e.fingerprint, response: e.response };
}
