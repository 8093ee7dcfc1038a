import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MlCandle } from '@tt/shared';
import { pairFifo, type PairableFill } from '../positions';
import { holdVsActual, waitThenEnter } from './counterfactuals';
import { toPriceSeries, type PriceSeries } from './price-series';
import type { SimLot } from './sim-lot';
import { Dec } from './sim-money';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-02T10:00:00Z');
const KEY = 'coinbase|BTC-USD';

const fill = (
  id: string,
  side: 'BUY' | 'SELL',
  qty: string,
  price: string,
  feeQuote: string,
  atMs: number,
): PairableFill => ({
  id,
  side,
  qty,
  price,
  feeQuote,
  ts: new Date(atMs),
});

function lotsOf(fills: PairableFill[]): SimLot[] {
  const byId = new Map(fills.map((f) => [f.id, f]));
  return pairFifo(fills).lots.map((l) => ({
    key: KEY,
    entryTradeId: l.entryTradeId,
    exitTradeId: l.exitTradeId,
    qty: l.qty,
    entryPrice: l.entryPrice,
    entryFee: l.entryFee,
    entryTs: l.entryTs,
    exitTs: l.exitTs,
    pnlQuote: l.pnlQuote,
    entryFill: {
      qty: byId.get(l.entryTradeId)!.qty,
      price: byId.get(l.entryTradeId)!.price,
      feeQuote: byId.get(l.entryTradeId)!.feeQuote,
    },
  }));
}

/** Hourly candles from `fromMs` for `hours` hours: close from `closeAt(openMs)`, low from `lowAt` (default the close). */
function candles(
  fromMs: number,
  hours: number,
  closeAt: (openMs: number) => number,
  lowAt?: (openMs: number) => number,
): MlCandle[] {
  return Array.from({ length: hours }, (_, i) => {
    const open = fromMs + i * HOUR;
    const close = closeAt(open);
    const low = Math.min(close, lowAt?.(open) ?? close);
    return { ts: new Date(open).toISOString(), open: close, high: close, low, close, volume: 1 };
  });
}

const market = (series: MlCandle[]): Map<string, PriceSeries> => new Map([[KEY, toPriceSeries(series)]]);

// Buy 2 BTC at 100 (fee 0.2 = 0.1 %), sell 0.5 at 110 five hours later, 1 at 90 after 30 hours; 0.5 stays open.
const partialExits = lotsOf([
  fill('b', 'BUY', '2', '100', '0.2', T0),
  fill('s1', 'SELL', '0.5', '110', '0.055', T0 + 5 * HOUR),
  fill('s2', 'SELL', '1', '90', '0.09', T0 + 30 * HOUR),
]);
// 100 until the horizon (two days on), where the candle closing at T0 + 48 h closes at 120.
const to120 = candles(T0 - 2 * HOUR, 80, (open) => (open + HOUR >= T0 + 48 * HOUR ? 120 : 100));

describe('holdVsActual', () => {
  it('re-prices every lot at the horizon close with an exit fee at the entry rate (hand-computed)', () => {
    const result = holdVsActual({
      lots: partialExits,
      horizonDays: 2,
      prices: market(to120),
      currency: 'USD',
    });
    // Lots: 0.5 (entry fee 0.05) sold at 110 → 4.895; 1 (fee 0.1) sold at 90 → −10.19; 0.5 open.
    // Held to 120 with 0.1 % exit fees: 0.5 → 60 − 0.06 − 50.05 = 9.89; 1 → 120 − 0.12 − 100.1 = 19.78.
    // The open 0.5 is valued at the horizon like the alternative: 9.89 on both sides.
    expect(result).toMatchObject({
      kind: 'holdVsActual',
      actualPnl: '4.595',
      counterfactualPnl: '39.56',
      difference: '34.965',
      feesIncluded: true,
      positions: 3,
    });
    expect(result.actualReturn).toBeCloseTo(4.595 / 200.2, 12);
    expect(result.counterfactualReturn).toBeCloseTo(39.56 / 200.2, 12);
    expect(result.explanation).toContain('still open');
  });

  it('draws hourly points from the entry to the horizon, ending at the two totals', () => {
    const result = holdVsActual({
      lots: partialExits,
      horizonDays: 2,
      prices: market(to120),
      currency: 'USD',
    });
    expect(result.series[0]!.ts).toBe(new Date(T0).toISOString());
    expect(result.series.at(-1)!.ts).toBe(new Date(T0 + 48 * HOUR).toISOString());
    expect(result.series).toHaveLength(49);
    expect(result.series.at(-1)!.actual).toBeCloseTo(4.595, 9);
    expect(result.series.at(-1)!.counterfactual).toBeCloseTo(39.56, 9);
    // At the entry both paths are marked at 100 with both fees: 2 × 100 × 0.999 − 200.2 = −0.4.
    expect(result.series[0]!.actual).toBeCloseTo(-0.4, 9);
    expect(result.series[0]!.counterfactual).toBeCloseTo(-0.4, 9);
  });
});

describe('waitThenEnter', () => {
  it('buys the same quantity at the pullback level once a low reaches it (hand-computed)', () => {
    // Three hours after the entry a candle's low reaches 97.5, below the 2 % level of 98.
    const dip = candles(
      T0 - 2 * HOUR,
      80,
      (open) => (open + HOUR >= T0 + 48 * HOUR ? 120 : 100),
      (open) => (open === T0 + 3 * HOUR ? 97.5 : 100),
    );
    const result = waitThenEnter({
      lots: partialExits,
      horizonDays: 2,
      prices: market(dip),
      currency: 'USD',
      pullbackPct: 0.02,
    });
    // Costs at 98 with 0.1 % fee: 0.5 → 49.049, 1 → 98.098; sold at 120 with 0.1 %:
    // 0.5 → 59.94 − 49.049 = 10.891 (twice), 1 → 119.88 − 98.098 = 21.782; total 43.564.
    expect(result).toMatchObject({
      actualPnl: '4.595',
      counterfactualPnl: '43.564',
      difference: '38.969',
      positions: 3,
    });
    expect(result.counterfactualReturn).toBeCloseTo(43.564 / 196.196, 12);
    // The wait path holds nothing until the close of the dip candle.
    const beforeFill = result.series.find((p) => p.ts === new Date(T0 + 3 * HOUR).toISOString())!;
    expect(beforeFill.counterfactual).toBe(0);
  });

  it('explains a pullback that never came and counts it as staying in cash', () => {
    const result = waitThenEnter({
      lots: partialExits,
      horizonDays: 2,
      prices: market(to120),
      currency: 'USD',
      pullbackPct: 0.02,
    });
    expect(result).toMatchObject({
      counterfactualPnl: '0',
      difference: '-4.595',
      counterfactualReturn: null,
    });
    expect(result.explanation).toMatch(/never fell 2 % below/);
    expect(result.series.every((p) => p.counterfactual === 0)).toBe(true);
  });

  it('ignores a dip inside the hour of the entry itself (only candles opening after it count)', () => {
    const lots = lotsOf([
      fill('b', 'BUY', '1', '100', '0', T0 + 30 * 60_000),
      fill('s', 'SELL', '1', '101', '0', T0 + 5 * HOUR),
    ]);
    const dipBefore = candles(
      T0 - 2 * HOUR,
      80,
      () => 100,
      (open) => (open === T0 ? 90 : 100),
    );
    const result = waitThenEnter({
      lots,
      horizonDays: 1,
      prices: market(dipBefore),
      currency: 'USD',
      pullbackPct: 0.02,
    });
    expect(result.counterfactualPnl).toBe('0');
  });
});

describe('holding to the actual exit time', () => {
  const decimal = (maxUnits: number, scale: number) =>
    fc.integer({ min: 1, max: maxUnits }).map((n) => new Dec(n).div(10 ** scale).toFixed());

  // Exits split into 1, 2, 4, 5 or 8 equal fills so that pairing's fee shares are exact decimals,
  // and amounts small enough for pairing's 20-significant-digit arithmetic to stay exact.
  it('reproduces the actual P&L exactly when the close at that hour is the exit price', () => {
    fc.assert(
      fc.property(
        decimal(1_000_000, 2),
        decimal(1_000_000, 2),
        decimal(1_000, 2),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 24, max: 720 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom(1, 2, 4, 5, 8),
        (entryPrice, exitPrice, qty, feeBps, horizonHours, minute, parts) => {
          const rate = new Dec(feeBps).div(10_000);
          const entryAt = T0 + minute * 60_000;
          const exitAt = entryAt + horizonHours * HOUR;
          const total = new Dec(qty);
          const part = total.div(parts);
          const sells = Array.from({ length: parts }, (_, i) =>
            fill(`s${i}`, 'SELL', part.toFixed(), exitPrice, part.mul(exitPrice).mul(rate).toFixed(), exitAt),
          );
          const lots = lotsOf([
            fill('b', 'BUY', qty, entryPrice, total.mul(entryPrice).mul(rate).toFixed(), entryAt),
            ...sells,
          ]);
          const exitHour = Math.floor(exitAt / HOUR) * HOUR;
          const series = candles(entryAt - 3 * HOUR - (entryAt % HOUR), horizonHours + 8, (open) =>
            open + HOUR === exitHour ? Number(exitPrice) : Number(entryPrice) * 1.01,
          );
          const result = holdVsActual({
            lots,
            horizonDays: horizonHours / 24,
            prices: market(series),
            currency: 'USD',
          });
          expect(result.counterfactualPnl).toBe(result.actualPnl);
          expect(result.difference).toBe('0');
          const expected = total
            .mul(exitPrice)
            .mul(new Dec(1).minus(rate))
            .minus(total.mul(entryPrice).mul(rate.plus(1)));
          expect(new Dec(result.actualPnl).eq(expected)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
