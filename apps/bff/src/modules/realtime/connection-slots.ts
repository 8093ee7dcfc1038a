import type { Cache } from '../../infra/cache';

export interface ConnectionSlots {
  /** Takes a free slot for the connection; null when the user already holds every slot. */
  claim(userId: string, connectionId: string): Promise<number | null>;
  /** Keeps a held slot alive; called on every heartbeat. */
  refresh(userId: string, slot: number, connectionId: string): Promise<void>;
  release(userId: string, slot: number, connectionId: string): Promise<void>;
}

export interface ConnectionSlotsOptions {
  cache: Cache;
  /** Sockets one user may hold across every process. */
  perUser: number;
  /** A slot not refreshed for this long is free again (a process that died cannot release). */
  ttlMs: number;
  prefix?: string;
}

/**
 * The per-user socket limit, held in the shared cache so that it counts sockets on every BFF
 * process: each socket claims one of `perUser` keys with set-if-absent and refreshes it on each
 * heartbeat. A crashed process's slots free themselves after `ttlMs`.
 */
export function createConnectionSlots(options: ConnectionSlotsOptions): ConnectionSlots {
  const { cache, perUser, ttlMs } = options;
  const prefix = options.prefix ?? 'ws:slot:';
  const key = (userId: string, slot: number) => `${prefix}${userId}:${slot}`;
  return {
    async claim(userId, connectionId) {
      for (let slot = 0; slot < perUser; slot++) {
        if (await cache.setIfAbsent(key(userId, slot), connectionId, ttlMs)) return slot;
      }
      return null;
    },
    async refresh(userId, slot, connectionId) {
      await cache.set(key(userId, slot), connectionId, ttlMs);
    },
    async release(userId, slot, connectionId) {
      // Only our own claim: after an expiry the slot may belong to another socket by now.
      if ((await cache.get(key(userId, slot))) === connectionId) await cache.delete(key(userId, slot));
    },
  };
}
