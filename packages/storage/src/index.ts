export * from './collection';
export * from './idempotencyStore';
export * from './idempotent';
export * from './memoryCollection';
export * from './pagination';
export * from './redisCollection';
export * from './storageBackend';
export * from './storeUnavailable';
