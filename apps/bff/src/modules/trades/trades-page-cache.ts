import { randomUUID } from 'node:crypto';
import type { Cache } from '../../infra/cache';

const PAGE_TTL_MS = 30_000;
/** Pages filed together expire spread over a fifth of their TTL, not in one wave of re-renders. */
const PAGE_TTL_JITTER = 0.2;
const VERSION_TTL_MS = 24 * 3_600_000;
const INITIAL = 'initial';

/**
 * Rendered pages of `GET /api/trades`, shared by every BFF through the cache port. A page is filed
 * under the user's data version, a random token replaced after every committed change to their
 * trades, positions or tags; a page is never invalidated in place, it stops being asked for. A
 * reader that computed a page from data older than the change files it under the old version,
 * where nobody looks again. Versions outlive pages, so an expired version never meets an old page.
 * Concurrent misses of one page in this process wait for a single render (no stampede).
 */
export function createTradesPageCache(cache: Cache, random: () => number = Math.random) {
  const versionKey = (userId: string) => `trades:version:${userId}`;
  const pageKey = (userId: string, version: string, query: string) =>
    `trades:page:${userId}:${version}:${query}`;
  const rendering = new Map<string, Promise<string>>();
  const renderOnce = (key: string, render: () => Promise<string>): Promise<string> => {
    const pending = rendering.get(key);
    if (pending) return pending;
    const started = (async () => {
      const body = await render();
      await cache.set(key, body, Math.round(PAGE_TTL_MS * (1 - PAGE_TTL_JITTER * random())));
      return body;
    })().finally(() => rendering.delete(key));
    rendering.set(key, started);
    return started;
  };
  return {
    /** The page for a normalised query, computed once per data version. */
    async page(userId: string, query: string, render: () => Promise<string>): Promise<string> {
      const version = (await cache.get(versionKey(userId))) ?? INITIAL;
      const key = pageKey(userId, version, query);
      return (await cache.get(key)) ?? renderOnce(key, render);
    },
    /** Called after a change to the user's trades has committed. */
    async changed(userId: string): Promise<void> {
      await cache.set(versionKey(userId), randomUUID(), VERSION_TTL_MS);
    },
  };
}
