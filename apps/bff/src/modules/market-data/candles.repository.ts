import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import { candleCoverage, candles, jsonRows, type Executor } from '@tt/db';
import type { Candle } from '@tt/shared';

export interface Coverage {
  coveredFrom: Date;
  coveredTo: Date;
  gapHours: string[];
  provider: 'broker' | 'vendor';
}

export async function getCoverage(db: Executor, source: string, symbol: string): Promise<Coverage | null> {
  const [row] = await db
    .select()
    .from(candleCoverage)
    .where(and(eq(candleCoverage.source, source), eq(candleCoverage.symbol, symbol)));
  return row
    ? {
        coveredFrom: row.coveredFrom,
        coveredTo: row.coveredTo,
        gapHours: row.gapHours as string[],
        provider: row.provider === 'vendor' ? 'vendor' : 'broker',
      }
    : null;
}

/**
 * Widens the covered range (never narrows it: two importers may fetch side by side); the provider
 * of the latest fetch is the one asked next time.
 */
export async function extendCoverage(
  db: Executor,
  range: {
    source: string;
    symbol: string;
    from: Date;
    to: Date;
    gapHours: string[];
    provider: Coverage['provider'];
  },
): Promise<void> {
  const { source, symbol, from, to, gapHours, provider } = range;
  await db
    .insert(candleCoverage)
    .values({ source, symbol, coveredFrom: from, coveredTo: to, gapHours, provider })
    .onConflictDoUpdate({
      target: [candleCoverage.source, candleCoverage.symbol],
      set: {
        coveredFrom: sql`least(${candleCoverage.coveredFrom}, excluded.covered_from)`,
        coveredTo: sql`greatest(${candleCoverage.coveredTo}, excluded.covered_to)`,
        gapHours: sql`(select coalesce(jsonb_agg(distinct g), '[]'::jsonb) from jsonb_array_elements(${candleCoverage.gapHours} || excluded.gap_hours) as g)`,
        provider: sql`excluded.provider`,
        updatedAt: sql`now()`,
      },
    });
}

export async function insertCandles(
  db: Executor,
  source: string,
  symbol: string,
  rows: Candle[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insert(candles)
      .select(
        jsonRows(
          candles,
          rows.slice(i, i + 1000).map((c) => ({ source, symbol, ...c, ts: new Date(c.ts) })),
        ),
      )
      .onConflictDoNothing();
  }
}

export async function loadCandles(db: Executor, source: string, symbol: string, from: Date, to: Date) {
  return db
    .select({
      ts: candles.ts,
      open: candles.open,
      high: candles.high,
      low: candles.low,
      close: candles.close,
      volume: candles.volume,
    })
    .from(candles)
    .where(
      and(eq(candles.source, source), eq(candles.symbol, symbol), gte(candles.ts, from), lte(candles.ts, to)),
    )
    .orderBy(asc(candles.ts));
}
