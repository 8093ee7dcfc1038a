import type { Cache } from '../../infra/cache';

export interface RateVerdict {
  allowed: boolean;
  /** When the next message would be accepted (0 when allowed). */
  retryAfterMs: number;
}

export interface RateLimiter {
  take(key: string): Promise<RateVerdict>;
}

export interface SlidingWindowOptions {
  cache: Cache;
  /** Messages per window. */
  limit: number;
  windowMs: number;
  /** Cache key prefix. */
  prefix: string;
  now?: () => number;
}

/**
 * A sliding-window limit kept in the shared cache, so it holds per user across every BFF process
 * (memory in embedded mode, Redis in scaled mode). The previous window counts in proportion to how
 * much of it still overlaps the last `windowMs`, which smooths the burst a fixed window allows at
 * its edge. Refused messages are not counted: a client that waits gets through.
 */
export function createSlidingWindowLimiter(options: SlidingWindowOptions): RateLimiter {
  const { cache, limit, windowMs, prefix } = options;
  const now = options.now ?? Date.now;
  return {
    async take(key) {
      const at = now();
      const window = Math.floor(at / windowMs);
      const into = at - window * windowMs;
      const [current, previous] = await Promise.all([
        cache.get(`${prefix}${key}:${window}`),
        cache.get(`${prefix}${key}:${window - 1}`),
      ]);
      const inWindow = Number(current ?? 0);
      const before = Number(previous ?? 0);
      const weighted = before * (1 - into / windowMs) + inWindow;
      if (weighted + 1 <= limit) {
        await cache.increment(`${prefix}${key}:${window}`, windowMs * 2);
        return { allowed: true, retryAfterMs: 0 };
      }
      // The earliest moment the weighted count drops below the limit again.
      const retryAfterMs =
        inWindow + 1 > limit || before === 0
          ? windowMs - into
          : Math.max(1, Math.ceil(windowMs * (1 - (limit - 1 - inWindow) / before) - into));
      return { allowed: false, retryAfterMs };
    },
  };
}
