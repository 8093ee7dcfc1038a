import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Dec as Decimal } from '../../lib/money';
import { quoteFee } from './quote-fee';

describe('quoteFee', () => {
  it('keeps a quote-currency fee as it is', () => {
    expect(quoteFee({ symbol: 'BTC-USD', price: '50000', fee: '1.25', feeAsset: 'USD' })).toEqual({
      feeQuote: '1.25',
    });
  });

  it('converts a base-asset fee at the fill price and records it', () => {
    expect(quoteFee({ symbol: 'ETH-USDT', price: '2000.5', fee: '0.001', feeAsset: 'ETH' })).toEqual({
      feeQuote: '2.0005',
      conversion: { asset: 'ETH', rate: '2000.5', source: 'fill price' },
    });
  });

  it('asks for a rate for a third-asset fee, then converts with it', () => {
    const fill = { symbol: 'BTC-USDT', price: '60000', fee: '0.0005', feeAsset: 'BNB' };
    expect(quoteFee(fill)).toEqual({ needsRate: 'BNB-USDT' });
    expect(quoteFee(fill, { rate: '600', candleTs: '2026-11-01T10:00:00.000Z' })).toEqual({
      feeQuote: '0.3',
      conversion: { asset: 'BNB', rate: '600', source: 'candle close', candleTs: '2026-11-01T10:00:00.000Z' },
    });
  });

  it('is exact for any decimal fee and price', () => {
    const dec = fc.integer({ min: 1, max: 10 ** 9 }).map((n) => new Decimal(n).div(10 ** 6).toFixed());
    fc.assert(
      fc.property(dec, dec, (fee, price) => {
        const out = quoteFee({ symbol: 'SOL-USD', price, fee, feeAsset: 'SOL' });
        expect('feeQuote' in out && new Decimal(out.feeQuote).eq(new Decimal(fee).mul(price))).toBe(true);
      }),
    );
  });
});
