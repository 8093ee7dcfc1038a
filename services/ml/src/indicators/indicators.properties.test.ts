import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MlCandle } from '@tt/shared';
import { computeIndicators } from './indicators.service';
import { BASE_MS, HOUR, entryFor, iso, walkArb } from './test/candle-arbitraries';

const compute = (ohlcv: MlCandle[], entryTs: string) =>
  computeIndicators({ ohlcv, entryTs, granularity: '1h' });

const caseArb = walkArb(260).chain((candles) => fc.tuple(fc.constant(candles), entryFor(candles)));

describe('computeIndicators properties', () => {
  it('never looks ahead: candles that close after the entry change nothing', () => {
    fc.assert(
      fc.property(caseArb, walkArb(60), ([candles, entryTs], future) => {
        const entryMs = Date.parse(entryTs);
        // The future walk starts with the candle that is still open at the entry.
        const later = future.map((candle, i) => ({ ...candle, ts: iso(entryMs - HOUR + 1 + i * HOUR) }));
        expect(compute([...candles, ...later], entryTs)).toEqual(compute(candles, entryTs));
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it('does not depend on the order of the candles', () => {
    fc.assert(
      fc.property(
        caseArb.chain(([candles, entryTs]) =>
          fc.tuple(
            fc.constant(candles),
            fc.constant(entryTs),
            fc.array(fc.nat(), { minLength: candles.length, maxLength: candles.length }),
          ),
        ),
        ([candles, entryTs, keys]) => {
          const shuffled = candles
            .map((candle, i) => ({ candle, key: keys[i]! }))
            .sort((a, b) => a.key - b.key)
            .map((x) => x.candle);
          expect(compute(shuffled, entryTs)).toEqual(compute(candles, entryTs));
        },
      ),
      { numRuns: 150, seed: 12 },
    );
  });

  it('keeps every feature in its range', () => {
    fc.assert(
      fc.property(caseArb, ([candles, entryTs]) => {
        const f = compute(candles, entryTs);
        if (f.RSI_14 !== null) expect(f.RSI_14).toBeGreaterThanOrEqual(0);
        if (f.RSI_14 !== null) expect(f.RSI_14).toBeLessThanOrEqual(100);
        if (f.ATR_rel !== null) expect(f.ATR_rel).toBeGreaterThanOrEqual(0);
        if (f.BB_pos !== null) expect(Number.isFinite(f.BB_pos)).toBe(true);
        if (f.gap_from_MA !== null) expect(f.gap_from_MA).toBeGreaterThan(-1);
        if (f.pct_change_1h_before !== null) expect(f.pct_change_1h_before).toBeGreaterThan(-1);
        if (f.pct_change_24h_before !== null) expect(f.pct_change_24h_before).toBeGreaterThan(-1);
        if (f.drawdown_recent !== null) expect(f.drawdown_recent).toBeGreaterThanOrEqual(0);
        if (f.drawdown_recent !== null) expect(f.drawdown_recent).toBeLessThan(1);
      }),
      { numRuns: 200, seed: 13 },
    );
  });

  it('fills features in the order their history requirements are met', () => {
    fc.assert(
      fc.property(walkArb(100), fc.integer({ min: 0, max: 100 }), (candles, closed) => {
        const f = compute(candles, iso(BASE_MS + closed * HOUR));
        const have = Math.min(closed, candles.length);
        expect(f.RSI_14 !== null).toBe(have >= 15);
        expect(f.BB_pos !== null).toBe(have >= 20);
        expect(f.gap_from_MA !== null).toBe(have >= 50);
        expect(f.pct_change_24h_before !== null).toBe(have >= 25);
        expect(f.drawdown_recent !== null).toBe(have >= 72);
      }),
      { numRuns: 100, seed: 14 },
    );
  });
});
