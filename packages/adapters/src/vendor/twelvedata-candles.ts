import type { Candle } from '@tt/shared';
import { normalizeDecimal } from '../core/decimal';
import { parseExactTime } from '../core/time';
import type { TwelveDataBar } from './twelvedata.schemas';

export const HOUR_MS = 3_600_000;

/** `YYYY-MM-DD HH:mm:ss`, the form Twelve Data takes `start_date` and `end_date` in (UTC here). */
export function formatTwelveDataDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The bars whose open lies in [fromMs, toMs] as Candles (`ts` canonical ISO, values exact and
 * canonical); undefined when any bar is unreadable or not on an hour, which would mean the answer
 * is not hourly UTC bars at all.
 */
export function barsToCandles(
  bars: readonly TwelveDataBar[],
  fromMs: number,
  toMs: number,
): Candle[] | undefined {
  const candles: Candle[] = [];
  for (const bar of bars) {
    const ts = parseExactTime(bar.datetime, { assumeUtc: true });
    if (ts === undefined) return undefined;
    const openMs = Date.parse(ts);
    if (openMs % HOUR_MS !== 0) return undefined;
    // Twelve Data leaves volume out where its source has none; zero says "not reported" without inventing one.
    const values = [bar.open, bar.high, bar.low, bar.close, bar.volume ?? '0'].map(normalizeDecimal);
    if (values.some((v) => v === undefined)) return undefined;
    if (openMs < fromMs || openMs > toMs) continue;
    const [open, high, low, close, volume] = values as [string, string, string, string, string];
    candles.push({ ts, open, high, low, close, volume });
  }
  return candles;
}
