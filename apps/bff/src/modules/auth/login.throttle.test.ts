import { describe, expect, it } from 'vitest';
import { createMemoryCache, type Cache } from '../../infra/cache';
import { createKeyedHasher } from './keyed-hash';
import { createLoginThrottle } from './login.throttle';

function setup() {
  let clock = 1_700_000_000_000;
  const now = () => clock;
  const cache = createMemoryCache({ now });
  const throttle = createLoginThrottle({ cache, hasher: createKeyedHasher(Buffer.alloc(32, 3)), now });
  return { throttle, advance: (ms: number) => (clock += ms) };
}

describe('createLoginThrottle', () => {
  it('lets ten failures through, then locks the account for 30 s, doubling with each further failure', async () => {
    const { throttle, advance } = setup();
    const email = 'alice@example.com';
    for (let i = 0; i < 9; i++) await throttle.recordFailure(email);
    expect(await throttle.retryAfterMs(email)).toBe(0);
    await throttle.recordFailure(email);
    expect(await throttle.retryAfterMs(email)).toBe(30_000);
    advance(30_000);
    expect(await throttle.retryAfterMs(email)).toBe(0);
    await throttle.recordFailure(email);
    expect(await throttle.retryAfterMs(email)).toBe(60_000);
  });

  it('caps a lock at 15 minutes', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 40; i++) await throttle.recordFailure('bob@example.com');
    expect(await throttle.retryAfterMs('bob@example.com')).toBe(15 * 60_000);
  });

  it('counts per account, and a success clears the count', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 10; i++) await throttle.recordFailure('carol@example.com');
    expect(await throttle.retryAfterMs('dave@example.com')).toBe(0);
    await throttle.reset('carol@example.com');
    expect(await throttle.retryAfterMs('carol@example.com')).toBe(0);
    await throttle.recordFailure('carol@example.com');
    expect(await throttle.retryAfterMs('carol@example.com')).toBe(0);
  });

  it('keys the cache by a keyed hash, never by the email', async () => {
    const cache = createMemoryCache();
    const seen: string[] = [];
    const watched: Cache = {
      ...cache,
      increment: (key, ttlMs) => {
        seen.push(key);
        return cache.increment(key, ttlMs);
      },
    };
    await createLoginThrottle({
      cache: watched,
      hasher: createKeyedHasher(Buffer.alloc(32, 3)),
    }).recordFailure('erin@example.com');
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toContain('erin');
  });
});
