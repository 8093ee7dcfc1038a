import type { Candle } from '@tt/shared';
import { normalizeDecimal } from '../core/decimal';
import { epochMsToIso } from '../core/time';
import type { BinanceClient } from './binance-client';
import type { BinanceMarket } from './binance-symbols';
import { BinanceKlineSchema } from './binance.schemas';

const HOUR_MS = 60 * 60_000;
/** klines answers at most 1000 rows. */
export const BINANCE_MAX_KLINES = 1000;
const KLINES_WEIGHT = 2;

/** Hourly klines over [since, until] in windows of at most 1000 hours, ascending, gaps kept. */
export async function fetchBinanceCandles(
  client: BinanceClient,
  market: BinanceMarket,
  since: Date,
  until: Date,
): Promise<Candle[]> {
  const first = Math.floor(since.getTime() / HOUR_MS) * HOUR_MS;
  const last = until.getTime();
  const byOpen = new Map<number, Candle>();
  for (let windowStart = first; windowStart <= last; windowStart += BINANCE_MAX_KLINES * HOUR_MS) {
    const body = await client.publicGet(
      'klines',
      '/api/v3/klines',
      {
        symbol: market.symbol,
        interval: '1h',
        startTime: windowStart,
        endTime: Math.min(windowStart + BINANCE_MAX_KLINES * HOUR_MS - 1, last),
        limit: BINANCE_MAX_KLINES,
      },
      KLINES_WEIGHT,
    );
    if (!Array.isArray(body)) throw client.badResponse('klines', 'candles');
    for (const row of body) {
      const parsed = BinanceKlineSchema.safeParse(row);
      if (!parsed.success) throw client.badResponse('klines', 'a candle');
      const [openTime, ...rest] = parsed.data;
      const values = rest.slice(0, 5).map((v) => normalizeDecimal(String(v)));
      if (values.some((v) => v === undefined)) throw client.badResponse('klines', 'a candle');
      if (openTime < first || openTime > last) continue;
      const [open, high, low, close, volume] = values as string[];
      byOpen.set(openTime, {
        ts: epochMsToIso(openTime),
        open: open!,
        high: high!,
        low: low!,
        close: close!,
        volume: volume!,
      });
    }
  }
  return [...byOpen.entries()].sort(([a], [b]) => a - b).map(([, candle]) => candle);
}
