import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryNonceStore, createRedisNonceStore } from './auth.nonce-store';

describe('createMemoryNonceStore', () => {
  it('accepts a nonce once within its time to live and again after it', async () => {
    let clock = 0;
    const store = createMemoryNonceStore({ now: () => clock });
    expect(await store.claim('abc', 1_000)).toBe(true);
    expect(await store.claim('abc', 1_000)).toBe(false);
    expect(await store.claim('other', 1_000)).toBe(true);
    clock = 999;
    expect(await store.claim('abc', 1_000)).toBe(false);
    clock = 1_000;
    expect(await store.claim('abc', 1_000)).toBe(true);
  });

  it('stays within its bound by forgetting the oldest nonce', async () => {
    const store = createMemoryNonceStore({ maxEntries: 3, now: () => 0 });
    for (const nonce of ['a', 'b', 'c', 'd']) expect(await store.claim(nonce, 60_000)).toBe(true);
    expect(await store.claim('a', 60_000)).toBe(true);
    expect(await store.claim('d', 60_000)).toBe(false);
  });
});

describe('createRedisNonceStore', () => {
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  const keyPrefix = `tt:ml:test:${randomUUID()}:`;

  beforeAll(() => redis.connect());
  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('claims a nonce once, with the time to live set on the key', async () => {
    const store = createRedisNonceStore({ redis, keyPrefix });
    expect(await store.claim('n1', 600_000)).toBe(true);
    expect(await store.claim('n1', 600_000)).toBe(false);
    const ttl = await redis.pttl(`${keyPrefix}n1`);
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const stores = [createRedisNonceStore({ redis, keyPrefix }), createRedisNonceStore({ redis, keyPrefix })];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 2]!.claim('race', 60_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
