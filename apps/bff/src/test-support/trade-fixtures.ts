import { expect } from 'vitest';
import type { z } from 'zod';
import type { Page } from '@tt/shared';
import type { NewTrade } from '../modules/trades';
import type { TestClient } from '../modules/auth/auth.test-support';
import type { TestApp } from './test-app';

/** `hour` hours into 1 Nov 2026 UTC, plus 123 ms, so that a lost millisecond shows. */
export const fillHour = (hour: number) => new Date(Date.UTC(2026, 10, 1, hour, 0, 0, 123));

/** A normalised Coinbase fill as the import stores it, at `fillHour(hour)`, with a flat 0.1 USD fee. */
export const testFill = (
  extId: string,
  symbol: string,
  side: 'BUY' | 'SELL',
  qty: string,
  price: string,
  hour: number,
): NewTrade => ({
  broker: 'coinbase',
  extId,
  orderId: null,
  symbol,
  side,
  qty,
  price,
  fee: '0.1',
  feeAsset: 'USD',
  feeQuote: '0.1',
  ts: fillHour(hour),
  source: 'api',
  meta: {},
});

/** Stores the fills as an import would, then pairs every series they touch. */
export async function storeAndPair(t: TestApp, userId: string, fills: NewTrade[]): Promise<void> {
  await t.services.trades.store(t.platform.database.db, userId, null, fills);
  for (const key of new Set(fills.map((f) => `${f.broker}|${f.symbol}`))) {
    const [broker, symbol] = key.split('|') as [string, string];
    await t.services.positions.repairSeries({ userId, broker, symbol });
  }
}

/** One page of a keyset-paged list route, each item checked against its wire schema (no extra keys). */
export async function getPage<T>(client: TestClient, url: string, item: z.ZodObject): Promise<Page<T>> {
  const res = await client.request({ method: 'GET', url });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json() as { items: unknown[]; nextCursor: string | null };
  return { items: body.items.map((i) => item.strict().parse(i) as T), nextCursor: body.nextCursor };
}

/** Follows `nextCursor` from the first page to the last, returning every item in order. */
export async function allPages<T>(list: (query: string) => Promise<Page<T>>, limit: number): Promise<T[]> {
  const seen: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await list(`?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    seen.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}
