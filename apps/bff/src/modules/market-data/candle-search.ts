const HOUR = 3_600_000;

interface Timed {
  ts: string;
}

/** Index of the first candle that opens at or after `ts` (candles ascending by open time). */
export function firstOpenAtOrAfter(candles: readonly Timed[], ts: number): number {
  let lo = 0;
  let hi = candles.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Date.parse(candles[mid]!.ts) < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the last candle that had closed at or before `ts` (no look-ahead), or -1. */
export function lastClosedIndex(candles: readonly Timed[], ts: number): number {
  return firstOpenAtOrAfter(candles, ts - HOUR + 1) - 1;
}
