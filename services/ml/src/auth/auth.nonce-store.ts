import type { Redis } from 'ioredis';

/** Remembers request nonces so that each is accepted once within its time to live. */
export interface NonceStore {
  /** True the first time `nonce` is claimed within `ttlMs`, false when it was already claimed. */
  claim(nonce: string, ttlMs: number): Promise<boolean>;
}

export interface MemoryNonceStoreOptions {
  /** Nonces kept at most; past it the oldest is forgotten. Default 100000 (≈ 160 requests/s over a 10-minute window). */
  maxEntries?: number;
  /** Default: Date.now. */
  now?: () => number;
}

/**
 * In-process nonce store for embedded mode and single-instance deployments. Bounded: when full,
 * the oldest nonce is dropped; only signed requests reach `claim`, so filling it needs the secret.
 */
export function createMemoryNonceStore(options: MemoryNonceStoreOptions = {}): NonceStore {
  const maxEntries = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();
  return {
    async claim(nonce, ttlMs) {
      const at = now();
      // Insertion order is claim order; with one TTL it is also expiry order.
      for (const [key, expiry] of expiries) {
        if (expiry > at) break;
        expiries.delete(key);
      }
      const expiry = expiries.get(nonce);
      if (expiry !== undefined && expiry > at) return false;
      expiries.delete(nonce);
      expiries.set(nonce, at + ttlMs);
      if (expiries.size > maxEntries) expiries.delete(expiries.keys().next().value!);
      return true;
    },
  };
}

export interface RedisNonceStoreOptions {
  redis: Redis;
  /** Default `tt:ml:nonce:`. */
  keyPrefix?: string;
}

/** Shared nonce store for several ML instances: `SET key 1 NX PX ttl` claims atomically. */
export function createRedisNonceStore(options: RedisNonceStoreOptions): NonceStore {
  const prefix = options.keyPrefix ?? 'tt:ml:nonce:';
  return {
    async claim(nonce, ttlMs) {
      const reply = await options.redis.set(prefix + nonce, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
      return reply === 'OK';
    },
  };
}
