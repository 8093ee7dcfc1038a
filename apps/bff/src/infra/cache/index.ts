export type { Cache } from './cache.port';
export { createMemoryCache } from './memory-cache';
export { createRedisCache } from './redis-cache';
