import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createMemoryCache, createRedisCache, type Cache } from '../../infra/cache';
import { createTradesPageCache } from './trades-page-cache';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const prefix = `tt-test-pages-${randomUUID().slice(0, 8)}:`;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe.each<[string, () => Cache]>([
  ['memory', () => createMemoryCache()],
  ['Redis', () => createRedisCache(redis, prefix)],
])('trades page cache on %s', (_name, newCache) => {
  it('renders a page once per data version and again after a change', async () => {
    const pages = createTradesPageCache(newCache());
    const userId = randomUUID();
    let renders = 0;
    const render = async () => `page ${++renders}`;
    expect(await pages.page(userId, 'q', render)).toBe('page 1');
    expect(await pages.page(userId, 'q', render)).toBe('page 1');
    expect(await pages.page(userId, 'other query', render)).toBe('page 2');
    await pages.changed(userId);
    expect(await pages.page(userId, 'q', render)).toBe('page 3');
    expect(await pages.page(randomUUID(), 'q', render)).toBe('page 4');
  });

  it('never serves a page rendered from data older than a change that committed meanwhile', async () => {
    const cache = newCache();
    // Two BFF processes sharing one cache: one renders while the other reports a change.
    const [bff1, bff2] = [createTradesPageCache(cache), createTradesPageCache(cache)];
    const userId = randomUUID();
    let data = 'old';
    const slowRender = async () => {
      const seen = data;
      data = 'new';
      await bff2.changed(userId);
      return seen;
    };
    expect(await bff1.page(userId, 'q', slowRender)).toBe('old');
    expect(await bff1.page(userId, 'q', async () => data)).toBe('new');
    expect(await bff2.page(userId, 'q', async () => data)).toBe('new');
  });

  it('renders a page once for concurrent misses, and again after a failed render', async () => {
    const pages = createTradesPageCache(newCache());
    const userId = randomUUID();
    let renders = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = async () => {
      renders += 1;
      await gate;
      return 'page';
    };
    const waiting = Promise.all([1, 2, 3].map(() => pages.page(userId, 'q', slow)));
    release();
    expect(await waiting).toEqual(['page', 'page', 'page']);
    expect(renders).toBe(1);

    const failing = async () => {
      throw new Error('database gone');
    };
    await expect(pages.page(userId, 'failing', failing)).rejects.toThrow('database gone');
    expect(await pages.page(userId, 'failing', async () => 'recovered')).toBe('recovered');
  });
});

describe('trades page TTL', () => {
  it('spreads page expiry over the last fifth of the TTL', async () => {
    const ttls: number[] = [];
    const memory = createMemoryCache();
    const recording: Cache = {
      ...memory,
      set: async (key, value, ttlMs) => {
        if (key.includes(':page:')) ttls.push(ttlMs);
        await memory.set(key, value, ttlMs);
      },
    };
    const draws = [0, 0.5, 1];
    const pages = createTradesPageCache(recording, () => draws.shift()!);
    for (const query of ['a', 'b', 'c']) await pages.page(randomUUID(), query, async () => query);
    expect(ttls).toEqual([30_000, 27_000, 24_000]);
  });
});
