import type { Cache } from '../../infra/cache';
import type { KeyedHasher } from './keyed-hash';

/**
 * Per-account brake on password guessing, on top of the per-IP limit: it holds across IPs, so a
 * botnet cannot spread guesses thin. Keyed by a keyed hash of the email, whether or not an account
 * exists, so a lock reveals nothing about which emails are registered.
 */
export interface LoginThrottle {
  /** Milliseconds until the account may try again, or 0. */
  retryAfterMs(email: string): Promise<number>;
  recordFailure(email: string): Promise<void>;
  reset(email: string): Promise<void>;
}

export interface LoginThrottleOptions {
  cache: Cache;
  hasher: KeyedHasher;
  now?: () => number;
  /** Failures allowed before the first lock (default 10, so one IP meets its own limit first). */
  freeFailures?: number;
  /** First lock (default 30 s), doubled with every further failure. */
  baseLockMs?: number;
  /** Longest lock (default 15 min), so an attacker cannot lock an owner out for long. */
  maxLockMs?: number;
  /** How long failures are remembered (default 1 h). */
  windowMs?: number;
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const { cache, hasher } = options;
  const now = options.now ?? Date.now;
  const freeFailures = options.freeFailures ?? 10;
  const baseLockMs = options.baseLockMs ?? 30_000;
  const maxLockMs = options.maxLockMs ?? 15 * 60_000;
  const windowMs = options.windowMs ?? 60 * 60_000;
  const keys = (email: string) => {
    const id = hasher.hash('login-throttle', email);
    return { failures: `auth:failures:${id}`, lock: `auth:lock:${id}` };
  };

  return {
    async retryAfterMs(email) {
      const until = Number((await cache.get(keys(email).lock)) ?? 0);
      return Math.max(0, until - now());
    },
    async recordFailure(email) {
      const { failures, lock } = keys(email);
      const count = await cache.increment(failures, windowMs);
      if (count < freeFailures) return;
      const lockMs = Math.min(maxLockMs, baseLockMs * 2 ** Math.min(count - freeFailures, 30));
      await cache.set(lock, String(now() + lockMs), lockMs);
    },
    async reset(email) {
      const { failures, lock } = keys(email);
      await Promise.all([cache.delete(failures), cache.delete(lock)]);
    },
  };
}
