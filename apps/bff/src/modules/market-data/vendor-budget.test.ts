import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createMemoryCache, createRedisCache, type Cache } from '../../infra/cache';
import { createSharedVendorBudget } from './vendor-budget';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const clients: Redis[] = [];
afterAll(() => clients.forEach((c) => c.disconnect()));

/** A clock that only moves when someone sleeps on it. */
function fakeTime(startMs: number) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    sleep: async (ms: number) => {
      nowMs += ms;
    },
  };
}

/** Two processes' views of one store: the memory cache shared in-process, or two Redis connections. */
const stores: [string, () => [Cache, Cache]][] = [
  [
    'memory',
    () => {
      const cache = createMemoryCache();
      return [cache, cache];
    },
  ],
  [
    'Redis',
    () => {
      const prefix = `tt-test-vendor-${randomUUID().slice(0, 8)}:`;
      const [a, b] = [new Redis(redisUrl), new Redis(redisUrl)];
      clients.push(a, b);
      return [createRedisCache(a, prefix), createRedisCache(b, prefix)];
    },
  ],
];

describe.each(stores)('shared vendor budget on %s', (_name, twoProcesses) => {
  it('lets two processes together start no more calls per minute than the plan allows', async () => {
    const [cacheA, cacheB] = twoProcesses();
    // The memory cache's TTLs run on the real clock; the fake one starts at the real now.
    const time = fakeTime(Math.floor(Date.now() / 60_000) * 60_000 + 1_000);
    const budget = (cache: Cache) =>
      createSharedVendorBudget({ cache, vendor: 'twelvedata', perMinute: 3, ...time });
    const [a, b] = [budget(cacheA), budget(cacheB)];
    const waits: number[] = [];
    for (const process of [a, b, a, b, a]) waits.push(await process.take());
    // Three calls in the first minute; the fourth and fifth wait until just past it.
    expect(waits).toEqual([0, 0, 0, 59_500, 0]);
  });

  it('holds every process back once one of them heard the vendor say the minute is spent', async () => {
    const [cacheA, cacheB] = twoProcesses();
    const time = fakeTime(Date.now());
    const budget = (cache: Cache) =>
      createSharedVendorBudget({ cache, vendor: 'twelvedata', perMinute: 100, ...time });
    const [a, b] = [budget(cacheA), budget(cacheB)];
    await a.pauseUntil(time.now() + 20_000);
    await a.pauseUntil(time.now() + 5_000);
    expect(await b.take()).toBe(20_000);
  });
});

describe('shared vendor budget', () => {
  it('stops waiting when the caller aborts', async () => {
    const budget = createSharedVendorBudget({ cache: createMemoryCache(), vendor: 'x', perMinute: 1 });
    await budget.take();
    const aborted = AbortSignal.timeout(20);
    await expect(budget.take(aborted)).rejects.toThrow();
  });
});
