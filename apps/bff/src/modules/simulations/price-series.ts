import type { MlCandle } from '@tt/shared';
import { lastClosedIndex, toCandleSeries, type CandleSeries } from '@tt/ml';

export const HOUR_MS = 3_600_000;

/** Hourly candles of one (broker, symbol) as typed arrays; `ts` is the open time. */
export type PriceSeries = CandleSeries;

export const toPriceSeries = (candles: readonly MlCandle[]): PriceSeries => toCandleSeries(candles);

/** Close time of the newest candle, or −Infinity without candles. */
export function lastCloseTime(series: PriceSeries): number {
  const n = series.ts.length;
  return n === 0 ? -Infinity : series.ts[n - 1]! + HOUR_MS;
}

/**
 * The close of the last candle closed at or before `atMs`, provided the prices reach `atMs` (some
 * candle closes at or after it); null when the data stops before it or starts after it.
 */
export function closeAtHorizon(
  series: PriceSeries,
  atMs: number,
): { price: number; closedAt: number } | null {
  if (lastCloseTime(series) < atMs) return null;
  const i = lastClosedIndex(series.ts, atMs);
  return i < 0 ? null : { price: series.close[i]!, closedAt: series.ts[i]! + HOUR_MS };
}

/** The close marking an open position at `atMs` (the last close at or before it), or null. */
export function markAt(series: PriceSeries, atMs: number): number | null {
  const i = lastClosedIndex(series.ts, atMs);
  return i < 0 ? null : series.close[i]!;
}

/**
 * The first candle that opens at or after `fromMs` and closes by `untilMs` whose low reaches
 * `level`; its close time, or null when the price never got there.
 */
export function firstTouchAtOrBelow(
  series: PriceSeries,
  level: number,
  fromMs: number,
  untilMs: number,
): number | null {
  let lo = 0;
  let hi = series.ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (series.ts[mid]! < fromMs) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < series.ts.length && series.ts[i]! + HOUR_MS <= untilMs; i++) {
    if (series.low[i]! <= level) return series.ts[i]! + HOUR_MS;
  }
  return null;
}
