import type { Cache } from './cache.port';

interface Entry {
  value: string;
  expiresAt: number;
}

/** In-process cache with TTL; bounded so a flood of keys cannot grow memory without limit. */
export function createMemoryCache(options: { maxEntries?: number; now?: () => number } = {}): Cache {
  const maxEntries = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const store = (key: string, value: string, ttlMs: number) => {
    entries.delete(key);
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    entries.set(key, { value, expiresAt: now() + ttlMs });
  };

  return {
    get: async (key) => live(key)?.value ?? null,
    set: async (key, value, ttlMs) => store(key, value, ttlMs),
    setIfAbsent: async (key, value, ttlMs) => {
      if (live(key)) return false;
      store(key, value, ttlMs);
      return true;
    },
    take: async (key) => {
      const entry = live(key);
      entries.delete(key);
      return entry?.value ?? null;
    },
    delete: async (key) => {
      entries.delete(key);
    },
    increment: async (key, ttlMs) => {
      const entry = live(key);
      const next = (entry ? Number(entry.value) : 0) + 1;
      if (entry) entry.value = String(next);
      else store(key, String(next), ttlMs);
      return next;
    },
    ping: async () => undefined,
    close: async () => entries.clear(),
  };
}
