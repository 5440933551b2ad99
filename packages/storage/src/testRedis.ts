import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the tests use: TEST_REDIS_URL, else REDIS_URL, else the local default. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/**
 * A fresh key prefix on the test Redis, and a cleanup that deletes its keys.
 * Throws a clear error when Redis cannot be reached: tests that need Redis
 * fail rather than pass silently.
 */
export async function testRedisPrefix(): Promise<{ prefix: string; cleanup: () => Promise<void> }> {
  const prefix = `govrnanza-test:${randomUUID()}:`;
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(`these tests need Redis at ${TEST_REDIS_URL} (set TEST_REDIS_URL, or start redis-server): ${(err as Error).message}`);
  }
  return {
    prefix,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}
