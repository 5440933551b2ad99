import { randomUUID } from 'node:crypto';
import { BACKENDS, type ServiceName } from '@govrnanza/topology';
import { TEST_REDIS_URL, testRedisPrefix } from '../../packages/storage/src/testRedis';

/**
 * Environment that puts every back-end on the test Redis under a run-unique
 * prefix (each service its own, as in production), plus a cleanup that
 * deletes the run's keys. Fails clearly when Redis cannot be reached.
 */
export async function redisEnv(): Promise<{ serviceEnv: Partial<Record<ServiceName, NodeJS.ProcessEnv>>; cleanup: () => Promise<void> }> {
  const run = randomUUID();
  // Fails with a clear message when Redis is not there.
  await (await testRedisPrefix()).cleanup();
  const { cleanup } = await testRedisPrefixFor(run);
  const serviceEnv: Partial<Record<ServiceName, NodeJS.ProcessEnv>> = {};
  for (const b of BACKENDS) serviceEnv[b] = { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: `govrnanza-test:${run}:${b}:` };
  return { serviceEnv, cleanup };
}

async function testRedisPrefixFor(run: string): Promise<{ cleanup: () => Promise<void> }> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  return {
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `govrnanza-test:${run}:*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}
