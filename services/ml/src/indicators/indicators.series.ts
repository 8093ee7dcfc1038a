import type { MlCandle } from '@tt/shared';

export const HOUR_MS = 3_600_000;

/** Hourly candles in ascending open time, one per hour, as parallel typed arrays. */
export interface CandleSeries {
  /** Open time, unix ms; the candle closes at `ts + HOUR_MS`. */
  readonly ts: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
}

/**
 * Which of two candles with the same open time to keep. It must not depend on input order
 * (shuffled input gives the same features), so the fuller snapshot of the hour wins: the larger
 * volume (a later fetch of a still-forming candle only adds volume), then close, high, low, open.
 */
function preferred(a: MlCandle, b: MlCandle): number {
  return b.volume - a.volume || b.close - a.close || b.high - a.high || b.low - a.low || b.open - a.open;
}

/** Sorts by open time and keeps one candle per open time; O(n) when the input is already ascending. */
export function toCandleSeries(candles: readonly MlCandle[]): CandleSeries {
  const n = candles.length;
  const times = new Float64Array(n);
  let ascending = true;
  for (let i = 0; i < n; i++) {
    times[i] = Date.parse(candles[i]!.ts);
    if (i > 0 && times[i]! <= times[i - 1]!) ascending = false;
  }
  let order: number[] | undefined;
  if (!ascending) {
    order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => times[a]! - times[b]! || preferred(candles[a]!, candles[b]!));
  }
  const ts = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let size = 0;
  for (let k = 0; k < n; k++) {
    const index = order ? order[k]! : k;
    const time = times[index]!;
    if (size > 0 && ts[size - 1] === time) continue;
    const candle = candles[index]!;
    ts[size] = time;
    high[size] = candle.high;
    low[size] = candle.low;
    close[size] = candle.close;
    size++;
  }
  return {
    ts: ts.subarray(0, size),
    high: high.subarray(0, size),
    low: low.subarray(0, size),
    close: close.subarray(0, size),
  };
}

/** Index of the last candle closed at or before `atMs` (open time + 1 h ≤ atMs), or −1. */
export function lastClosedIndex(ts: Float64Array, atMs: number): number {
  const limit = atMs - HOUR_MS;
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
