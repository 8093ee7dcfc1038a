import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Cache } from '../../infra/cache';
import { BrokersErrors } from './brokers.errors';

export interface CacheLockOptions {
  /** How long a held lock lives if its holder dies. Default 30 s (a token refresh is one request, 15 s timeout). */
  ttlMs?: number;
  /** How long to wait for another holder before giving up with BROKERS.BUSY. Default 20 s. */
  waitMs?: number;
  /** Pause between attempts to take the lock. Default 50 ms. */
  pollMs?: number;
}

/**
 * Cross-process mutual exclusion on the shared cache (Redis in scaled mode): `setIfAbsent` takes the
 * lock, and it is released only by its owner. The owner check and the delete are two steps; the
 * gap matters only if the TTL ran out mid-refresh, which the TTL's margin over the request timeout avoids.
 */
export async function withCacheLock<T>(
  cache: Cache,
  key: string,
  fn: () => Promise<T>,
  options: CacheLockOptions = {},
): Promise<T> {
  const ttlMs = options.ttlMs ?? 30_000;
  const waitMs = options.waitMs ?? 20_000;
  const pollMs = options.pollMs ?? 50;
  const owner = randomUUID();
  const deadline = Date.now() + waitMs;
  while (!(await cache.setIfAbsent(key, owner, ttlMs))) {
    if (Date.now() >= deadline) {
      throw BrokersErrors.BUSY({
        detail: 'Another request is renewing this broker connection. Try again shortly.',
      });
    }
    await delay(pollMs);
  }
  try {
    return await fn();
  } finally {
    if ((await cache.get(key)) === owner) await cache.delete(key);
  }
}
