import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createMemoryCache } from './memory-cache';
import { createRedisCache } from './redis-cache';
import type { Cache } from './cache.port';

const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
afterAll(() => redis.quit());

const drivers: [string, () => Cache][] = [
  ['memory', () => createMemoryCache()],
  ['redis', () => createRedisCache(redis, `tt:test:${randomUUID()}:`)],
];

describe.each(drivers)('Cache contract (%s)', (_name, make) => {
  it('stores, reads and deletes values', async () => {
    const cache = make();
    await cache.set('a', '1', 10_000);
    expect(await cache.get('a')).toBe('1');
    await cache.delete('a');
    expect(await cache.get('a')).toBeNull();
  });

  it('expires values after their TTL', async () => {
    const cache = make();
    await cache.set('short', 'x', 30);
    await new Promise((r) => setTimeout(r, 80));
    expect(await cache.get('short')).toBeNull();
  });

  it('lets exactly one concurrent caller claim a key', async () => {
    const cache = make();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => cache.setIfAbsent('claim', 'me', 10_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('takes a single-use value once', async () => {
    const cache = make();
    await cache.set('intent', 'state', 10_000);
    const taken = await Promise.all([cache.take('intent'), cache.take('intent')]);
    expect(taken.filter((v) => v === 'state')).toHaveLength(1);
    expect(await cache.get('intent')).toBeNull();
  });

  it('counts with a TTL that starts at the first increment', async () => {
    const cache = make();
    expect(await cache.increment('n', 50)).toBe(1);
    expect(await cache.increment('n', 50)).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(await cache.increment('n', 50)).toBe(1);
  });
});

describe('createMemoryCache', () => {
  it('evicts the oldest entry beyond its bound', async () => {
    const cache = createMemoryCache({ maxEntries: 2 });
    await cache.set('a', '1', 10_000);
    await cache.set('b', '2', 10_000);
    await cache.set('c', '3', 10_000);
    expect(await cache.get('a')).toBeNull();
    expect(await cache.get('c')).toBe('3');
  });
});
