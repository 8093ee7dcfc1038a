import type { MlCandle } from '@tt/shared';
import { firstOpenAtOrAfter } from '../market-data';

/**
 * Maximum adverse and favourable excursion of a long lot, as fractions of the entry price, from the
 * hourly candles that lie wholly inside the holding period (an hour the lot only partly spans is
 * left out rather than guessed).
 */
export function excursions(
  candles: readonly MlCandle[],
  entryPrice: number,
  entryTs: Date,
  exitTs: Date | null,
  now: Date,
): { mae: number | null; mfe: number | null } {
  const from = entryTs.getTime();
  const to = (exitTs ?? now).getTime();
  let low = Infinity;
  let high = -Infinity;
  for (let i = firstOpenAtOrAfter(candles, from); i < candles.length; i++) {
    const c = candles[i]!;
    if (Date.parse(c.ts) + 3_600_000 > to) break;
    if (c.low < low) low = c.low;
    if (c.high > high) high = c.high;
  }
  if (low === Infinity) return { mae: null, mfe: null };
  return { mae: Math.min(0, low / entryPrice - 1), mfe: Math.max(0, high / entryPrice - 1) };
}
