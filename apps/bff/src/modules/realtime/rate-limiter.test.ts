import { describe, expect, it } from 'vitest';
import { createMemoryCache } from '../../infra/cache';
import { createSlidingWindowLimiter } from './rate-limiter';

function limiterAt(start: number, limit = 20) {
  const clock = { now: start };
  const cache = createMemoryCache({ now: () => clock.now });
  const limiter = createSlidingWindowLimiter({
    cache,
    limit,
    windowMs: 60_000,
    prefix: 'test:',
    now: () => clock.now,
  });
  return { clock, limiter };
}

async function takeMany(limiter: ReturnType<typeof limiterAt>['limiter'], key: string, count: number) {
  const verdicts = [];
  for (let i = 0; i < count; i++) verdicts.push(await limiter.take(key));
  return verdicts;
}

describe('createSlidingWindowLimiter', () => {
  it('accepts the limit within a minute and refuses the next with a retry time', async () => {
    const { limiter } = limiterAt(0);
    const verdicts = await takeMany(limiter, 'u1', 21);
    expect(verdicts.slice(0, 20).every((v) => v.allowed)).toBe(true);
    expect(verdicts[20]).toEqual({ allowed: false, retryAfterMs: 60_000 });
  });

  it('counts each key apart', async () => {
    const { limiter } = limiterAt(0);
    await takeMany(limiter, 'u1', 20);
    expect((await limiter.take('u2')).allowed).toBe(true);
  });

  it('lets the previous minute weigh in proportion, so there is no double burst at a window edge', async () => {
    const { clock, limiter } = limiterAt(59_000);
    await takeMany(limiter, 'u1', 20);
    clock.now = 61_000;
    // 20 × (1 − 1/60) of the previous window still counts: no room yet.
    const refused = await limiter.take('u1');
    expect(refused.allowed).toBe(false);
    clock.now += refused.retryAfterMs;
    expect((await limiter.take('u1')).allowed).toBe(true);
    expect((await limiter.take('u1')).allowed).toBe(false);
  });

  it('does not count refused messages: a client that waits gets through', async () => {
    const { clock, limiter } = limiterAt(0);
    await takeMany(limiter, 'u1', 20);
    await takeMany(limiter, 'u1', 50);
    clock.now = 120_000;
    expect((await limiter.take('u1')).allowed).toBe(true);
  });
});
