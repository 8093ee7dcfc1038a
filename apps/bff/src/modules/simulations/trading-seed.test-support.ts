import { and, eq } from 'drizzle-orm';
import { trades } from '@tt/db';
import type { BiasFeatures, BiasLabel } from '@tt/shared';
import type { TestApp } from '../../test-support/test-app';
import { insertTrades } from '../trades/trades.repository';
import { insertCandles } from '../market-data/candles.repository';
import { replaceTags } from '../scoring/tags.repository';

/*
 * Seeds a user's fills, lots, candles and tags straight through the repositories, so the
 * simulation, digest and rules suites never depend on the broker sandbox.
 */

export const HOUR = 3_600_000;

export interface SeedFill {
  extId: string;
  side: 'BUY' | 'SELL';
  qty: string;
  price: string;
  /** Fee in the quote currency. */
  fee: string;
  at: number;
  symbol?: string;
}

/** Stores the fills, pairs every touched series FIFO, and answers trade ids by ext id. */
export async function seedFills(
  t: TestApp,
  userId: string,
  fills: readonly SeedFill[],
  broker = 'coinbase',
): Promise<Map<string, string>> {
  const db = t.platform.database.db;
  await insertTrades(
    db,
    userId,
    null,
    fills.map((f) => ({
      broker,
      extId: f.extId,
      orderId: null,
      symbol: f.symbol ?? 'BTC-USD',
      side: f.side,
      qty: f.qty,
      price: f.price,
      fee: f.fee,
      feeAsset: null,
      feeQuote: f.fee,
      ts: new Date(f.at),
      source: 'api',
      meta: {},
    })),
  );
  for (const symbol of new Set(fills.map((f) => f.symbol ?? 'BTC-USD'))) {
    await t.services.positions.repairSeries({ userId, broker, symbol });
  }
  const rows = await db
    .select({ id: trades.id, extId: trades.extId })
    .from(trades)
    .where(and(eq(trades.userId, userId), eq(trades.broker, broker)));
  return new Map(rows.map((r) => [r.extId, r.id]));
}

/** Hourly candles from `fromMs` (an hour boundary) for `hours` hours. */
export async function seedCandles(
  t: TestApp,
  options: {
    symbol?: string;
    broker?: string;
    fromMs: number;
    hours: number;
    close(openMs: number): number;
    low?(openMs: number): number;
  },
): Promise<void> {
  const rows = Array.from({ length: options.hours }, (_, i) => {
    const open = options.fromMs + i * HOUR;
    const close = options.close(open);
    const low = Math.min(close, options.low?.(open) ?? close);
    return {
      ts: new Date(open).toISOString(),
      open: String(close),
      high: String(close),
      low: String(low),
      close: String(close),
      volume: '1',
    };
  });
  await insertCandles(
    t.platform.database.db,
    options.broker ?? 'coinbase',
    options.symbol ?? 'BTC-USD',
    rows,
  );
}

export interface SeedTag {
  tradeId: string;
  label: BiasLabel;
  confidence?: number;
  features?: BiasFeatures;
}

/** Replaces the tags of the named trades. */
export async function seedTags(t: TestApp, userId: string, tags: readonly SeedTag[]): Promise<void> {
  await replaceTags(
    t.platform.database.db,
    [...new Set(tags.map((tag) => tag.tradeId))],
    tags.map((tag) => ({
      tradeId: tag.tradeId,
      userId,
      label: tag.label,
      confidence: tag.confidence ?? 0.8,
      reasons: [`seeded ${tag.label}`],
      features: tag.features ?? {},
    })),
  );
}
