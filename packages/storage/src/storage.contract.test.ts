import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateKeyError, type StoredRecord } from './collection';
import { idempotent } from './idempotent';
import { memoryBackend, redisBackend, type StorageBackend } from './storageBackend';
import { TEST_REDIS_URL, testRedisPrefix } from './testRedis';

interface Thing extends StoredRecord {
  name: string;
}

const thing = (id: string, owner: string, name = id): Thing => ({ id, owner, createdAt: 1, name });

/** A response codec good enough for the contract: JSON bytes. */
const codec = {
  encode: (m: { n: number }) => ({ finish: () => Buffer.from(JSON.stringify(m)) }),
  decode: (b: Uint8Array) => JSON.parse(Buffer.from(b).toString()) as { n: number },
};

// One contract, two implementations: every behaviour must hold on memory and on a real Redis.
describe.each([
  ['memory', async () => ({ backend: memoryBackend(), cleanup: async () => {} })],
  [
    'redis',
    async () => {
      const { prefix, cleanup } = await testRedisPrefix();
      const backend = await redisBackend(TEST_REDIS_URL, prefix);
      return { backend, cleanup: async () => (await backend.close(), await cleanup()) };
    },
  ],
] as const)('storage contract on %s', (_name, open) => {
  let backend: StorageBackend;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ backend, cleanup } = await open());
  });
  afterAll(async () => cleanup?.());

  it('inserts, gets, replaces and deletes a record', async () => {
    const c = backend.collection<Thing>('crud');
    await c.insert(thing('a1', 'o1', 'Alpha'));
    expect(await c.get('a1')).toEqual(thing('a1', 'o1', 'Alpha'));
    await c.replace({ ...thing('a1', 'o1'), name: 'Beta' });
    expect((await c.get('a1'))?.name).toBe('Beta');
    expect(await c.getMany(['a1', 'zz'])).toEqual([{ ...thing('a1', 'o1'), name: 'Beta' }, undefined]);
    expect(await c.delete('a1')).toBe(true);
    expect(await c.get('a1')).toBeUndefined();
    expect(await c.delete('a1')).toBe(false);
  });

  it('refuses a taken unique key or id, writes nothing, and frees keys on delete', async () => {
    const c = backend.collection<Thing>('unique');
    await c.insert(thing('u1', 'o1'), ['name:x']);
    await expect(c.insert(thing('u2', 'o1'), ['name:y', 'name:x'])).rejects.toBeInstanceOf(DuplicateKeyError);
    expect(await c.get('u2')).toBeUndefined();
    await c.insert(thing('u3', 'o1'), ['name:y']); // y was not left claimed
    await expect(c.insert(thing('u1', 'o2'))).rejects.toBeInstanceOf(DuplicateKeyError);
    await c.delete('u1', ['name:x']);
    await c.insert(thing('u4', 'o1'), ['name:x']);
    expect(await c.count('o1')).toBe(2);
  });

  it('lists per owner in insertion order with a cursor, and counts', async () => {
    const c = backend.collection<Thing>('list');
    for (let i = 0; i < 5; i++) await c.insert(thing(`l${i}`, 'o1'));
    await c.insert(thing('other', 'o2'));
    const p1 = await c.list('o1', 2);
    expect(p1.items.map((t) => t.id)).toEqual(['l0', 'l1']);
    const p2 = await c.list('o1', 2, p1.next);
    expect(p2.items.map((t) => t.id)).toEqual(['l2', 'l3']);
    const p3 = await c.list('o1', 2, p2.next);
    expect(p3.items.map((t) => t.id)).toEqual(['l4']);
    expect(p3.next).toBeUndefined();
    expect(await c.count('o1')).toBe(5);
    expect(await c.count('nobody')).toBe(0);
    expect((await c.list('nobody', 10)).items).toEqual([]);
  });

  it('returns copies: mutating a result does not change the store', async () => {
    const c = backend.collection<Thing>('copies');
    await c.insert(thing('c1', 'o1', 'Original'));
    const got = (await c.get('c1'))!;
    got.name = 'Mutated';
    expect((await c.get('c1'))?.name).toBe('Original');
  });

  it('runs a create once per idempotency key and replays its result', async () => {
    let runs = 0;
    const run = async () => ({ n: ++runs });
    const opts = { store: backend.idempotency, scope: 'Create', key: 'k1', request: { a: 1 }, codec, ttlMs: 60_000 };
    expect(await idempotent(opts, run)).toEqual({ n: 1 });
    expect(await idempotent(opts, run)).toEqual({ n: 1 });
    expect(runs).toBe(1);
    await expect(idempotent({ ...opts, request: { a: 2 } }, run)).rejects.toThrow(/idempotency_key/);
    expect(await idempotent({ ...opts, key: '' }, run)).toEqual({ n: 2 });
  });

  it('frees the key when the create fails, and reports a concurrent duplicate as in progress', async () => {
    const opts = { store: backend.idempotency, scope: 'Create', key: 'k2', request: {}, codec, ttlMs: 60_000 };
    await expect(idempotent(opts, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    let release!: () => void;
    const slow = idempotent(opts, () => new Promise<{ n: number }>((r) => (release = () => r({ n: 7 }))));
    await new Promise((r) => setTimeout(r, 20));
    await expect(idempotent(opts, async () => ({ n: 8 }))).rejects.toThrow(/in progress/);
    release();
    expect(await slow).toEqual({ n: 7 });
    expect(await idempotent(opts, async () => ({ n: 9 }))).toEqual({ n: 7 });
  });

  it('forgets idempotency keys after their TTL', async () => {
    const opts = { store: backend.idempotency, scope: 'Create', key: 'k3', request: {}, codec, ttlMs: 100 };
    expect(await idempotent(opts, async () => ({ n: 1 }))).toEqual({ n: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(await idempotent(opts, async () => ({ n: 2 }))).toEqual({ n: 2 });
  });
});
