import type { Redis } from 'ioredis';
import type { Cache } from './cache.port';

// INCR then PEXPIRE only on the first increment, atomically.
const INCREMENT = `local v = redis.call('INCR', KEYS[1]) if v == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return v`;

/** Redis-backed cache shared by every process; keys are namespaced by `prefix`. */
export function createRedisCache(redis: Redis, prefix = 'tt:cache:'): Cache {
  const k = (key: string) => prefix + key;
  return {
    get: (key) => redis.get(k(key)),
    set: async (key, value, ttlMs) => {
      await redis.set(k(key), value, 'PX', ttlMs);
    },
    setIfAbsent: async (key, value, ttlMs) => (await redis.set(k(key), value, 'PX', ttlMs, 'NX')) === 'OK',
    take: (key) => redis.getdel(k(key)),
    delete: async (key) => {
      await redis.del(k(key));
    },
    increment: async (key, ttlMs) => Number(await redis.eval(INCREMENT, 1, k(key), ttlMs)),
    ping: async () => {
      await redis.ping();
    },
    close: async () => undefined,
  };
}
