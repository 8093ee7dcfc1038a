import { setTimeout as delay } from 'node:timers/promises';
import type { VendorBudget } from '@tt/adapters';
import type { Cache } from '../../infra/cache';

const MINUTE_MS = 60_000;
/** A call held back waits until this far past the minute, in case our clock runs ahead of the vendor's. */
const MARGIN_MS = 500;

export interface SharedVendorBudgetOptions {
  cache: Cache;
  /** The vendor, so that two vendors' budgets stay apart. */
  vendor: string;
  perMinute: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * The vendor plan's calls per minute, counted through the cache port, so that every process using
 * the key (each BFF and worker of the scaled mode, over Redis) draws on one budget. Calendar
 * minutes, as the vendor counts its credits: a call past the budget waits for the next minute.
 */
export function createSharedVendorBudget(options: SharedVendorBudgetOptions): VendorBudget {
  const { cache, perMinute } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : {}));
  const pausedKey = `vendor:${options.vendor}:paused-until`;
  const minuteKey = (minute: number) => `vendor:${options.vendor}:minute:${minute}`;
  const pausedUntil = async () => Number((await cache.get(pausedKey)) ?? 0);

  return {
    async take(signal) {
      let waitedMs = 0;
      for (;;) {
        signal?.throwIfAborted();
        const at = now();
        let waitMs = (await pausedUntil()) - at;
        if (waitMs <= 0) {
          const minute = Math.floor(at / MINUTE_MS);
          if ((await cache.increment(minuteKey(minute), 2 * MINUTE_MS)) <= perMinute) return waitedMs;
          waitMs = (minute + 1) * MINUTE_MS + MARGIN_MS - at;
        }
        await sleep(waitMs, signal);
        waitedMs += waitMs;
      }
    },
    async pauseUntil(untilMs) {
      const ttlMs = untilMs - now();
      if (ttlMs > 0 && untilMs > (await pausedUntil())) await cache.set(pausedKey, String(untilMs), ttlMs);
    },
  };
}
