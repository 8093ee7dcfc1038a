import type { RawFill } from '@tt/shared';
import type { MarketDataService, CandleFetcher } from '../market-data';
import type { NewTrade } from '../trades';
import { quoteFee } from './quote-fee';
import { lastClosedIndex } from '../market-data';

const HOUR = 3_600_000;

/** Close of the last candle that closed at or before `ts` (no look-ahead). */
function closeAtOrBefore(
  series: { ts: string; close: number }[],
  ts: number,
): { rate: string; candleTs: string } | undefined {
  const candle = series[lastClosedIndex(series, ts)];
  return candle ? { rate: String(candle.close), candleTs: candle.ts } : undefined;
}

/**
 * Turns a page of broker fills into trade rows with the fee in the quote currency. Fees in a third
 * asset are converted with stored candles of `<ASSET>-<QUOTE>`, fetched once per page and pair.
 */
export async function normalisePage(
  fills: RawFill[],
  rates: {
    marketData: MarketDataService;
    source: string;
    /** The broker's candles of a pair; null without a connection (the vendor may stand in). */
    fetcherFor: (symbol: string) => CandleFetcher | null;
  },
): Promise<NewTrade[]> {
  const pending = new Map<string, number[]>();
  for (const fill of fills) {
    const fee = quoteFee(fill);
    if ('needsRate' in fee)
      pending.set(fee.needsRate, [...(pending.get(fee.needsRate) ?? []), Date.parse(fill.ts)]);
  }
  const seriesByPair = new Map<string, { ts: string; close: number }[]>();
  for (const [pair, times] of pending) {
    const from = new Date(times.reduce((a, b) => Math.min(a, b), Infinity) - 2 * HOUR);
    const to = new Date(times.reduce((a, b) => Math.max(a, b), -Infinity));
    await rates.marketData.ensureHourly(rates.source, pair, from, to, rates.fetcherFor(pair));
    seriesByPair.set(pair, await rates.marketData.series(rates.source, pair, from, to));
  }
  return fills.map((fill) => {
    let fee = quoteFee(fill);
    let conversionMissing: string | undefined;
    if ('needsRate' in fee) {
      const rate = closeAtOrBefore(seriesByPair.get(fee.needsRate) ?? [], Date.parse(fill.ts));
      conversionMissing = rate ? undefined : fee.needsRate;
      const converted = rate ? quoteFee(fill, rate) : { feeQuote: '0' };
      fee = 'needsRate' in converted ? { feeQuote: '0' } : converted;
    }
    return {
      broker: fill.broker,
      extId: fill.extId,
      orderId: fill.orderId ?? null,
      symbol: fill.symbol,
      side: fill.side,
      qty: fill.qty,
      price: fill.price,
      fee: fill.fee,
      feeAsset: fill.feeAsset,
      feeQuote: fee.feeQuote,
      ts: new Date(fill.ts),
      source: fill.source,
      meta: {
        ...(fee.conversion ? { feeConversion: fee.conversion } : {}),
        ...(conversionMissing ? { feeConversionMissing: conversionMissing } : {}),
        ...(fill.isMaker === undefined ? {} : { isMaker: fill.isMaker }),
      },
    };
  });
}
