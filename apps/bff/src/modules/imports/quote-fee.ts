import { Dec as Decimal } from '../../lib/money';
import type { RawFill } from '@tt/shared';

export interface FeeConversion {
  asset: string;
  rate: string;
  /** `price` for a fee in the base asset; the candle's open time for a third asset. */
  source: 'fill price' | 'candle close';
  candleTs?: string;
}

export const splitSymbol = (symbol: string): [string, string] => {
  const [base, quote] = symbol.split('-');
  return [base!, quote!];
};

/**
 * The fee in the quote currency (DESIGN §6): as is when charged in the quote, at the fill price
 * when charged in the base asset, and at the hourly close of `<ASSET>-<QUOTE>` at the fill time for
 * a third asset (BNB). Answers `needsRate` when that close is not known yet.
 */
export function quoteFee(
  fill: Pick<RawFill, 'symbol' | 'price' | 'fee' | 'feeAsset'>,
  thirdAssetRate?: { rate: string; candleTs: string },
): { feeQuote: string; conversion?: FeeConversion } | { needsRate: string } {
  const [base, quote] = splitSymbol(fill.symbol);
  const fee = new Decimal(fill.fee);
  if (fee.isZero() || fill.feeAsset === quote) return { feeQuote: fee.toFixed() };
  if (fill.feeAsset === base) {
    return {
      feeQuote: fee.mul(fill.price).toFixed(),
      conversion: { asset: base, rate: fill.price, source: 'fill price' },
    };
  }
  if (!thirdAssetRate) return { needsRate: `${fill.feeAsset}-${quote}` };
  return {
    feeQuote: fee.mul(thirdAssetRate.rate).toDecimalPlaces(18, Decimal.ROUND_HALF_EVEN).toFixed(),
    conversion: {
      asset: fill.feeAsset,
      rate: thirdAssetRate.rate,
      source: 'candle close',
      candleTs: thirdAssetRate.candleTs,
    },
  };
}
