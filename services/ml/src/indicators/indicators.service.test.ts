import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MlCandle } from '@tt/shared';
import { computeIndicators, computeIndicatorsBatch } from './indicators.service';
import { referenceIndicators } from './test/reference-indicators';
import {
  BASE_MS,
  HOUR,
  entryFor,
  expectFeaturesClose,
  iso,
  walkArb,
  walkCandles,
  type WalkStep,
} from './test/candle-arbitraries';

const compute = (ohlcv: MlCandle[], entryTs: string) =>
  computeIndicators({ ohlcv, entryTs, granularity: '1h' });
const afterCandle = (count: number, minutes = 0) => iso(BASE_MS + count * HOUR + minutes * 60_000);
const flatCandles = (count: number, price: number): MlCandle[] =>
  Array.from({ length: count }, (_, i) => ({
    ts: iso(BASE_MS + i * HOUR),
    open: price,
    high: price,
    low: price,
    close: price,
    volume: 1,
  }));
const steadyWalk = (count: number, moveBp: number): MlCandle[] =>
  walkCandles(
    100,
    Array.from({ length: count }, (): WalkStep => ({ moveBp, wickUpBp: 10, wickDownBp: 10, volume: 5 })),
  );

describe('computeIndicators', () => {
  it('matches the TA-Lib-convention reference on random walks', () => {
    fc.assert(
      fc.property(
        walkArb(320).chain((candles) => fc.tuple(fc.constant(candles), entryFor(candles))),
        ([candles, entryTs]) =>
          expectFeaturesClose(compute(candles, entryTs), referenceIndicators(candles, entryTs)),
      ),
      { numRuns: 250, seed: 20240601 },
    );
  });

  it('matches the reference on a long history read at many entries', () => {
    fc.assert(
      fc.property(
        walkArb(2_000),
        fc.array(fc.integer({ min: 0, max: 2_100 }), { minLength: 1, maxLength: 12 }),
        (candles, hours) => {
          for (const hour of hours) {
            const entryTs = afterCandle(hour, 30);
            expectFeaturesClose(compute(candles, entryTs), referenceIndicators(candles, entryTs));
          }
        },
      ),
      { numRuns: 15, seed: 7 },
    );
  });

  it('reproduces the published Wilder RSI sample to 1e-9', () => {
    const closes = [
      44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28,
      46.0, 46.03,
    ];
    const candles = closes.map((close, i) => ({
      ts: iso(BASE_MS + i * HOUR),
      open: close,
      high: close,
      low: close,
      close,
      volume: 1,
    }));
    const expected = [70.46413502109705, 66.2496185536, 66.4809418347];
    expected.forEach((rsi, k) => {
      expect(compute(candles, afterCandle(15 + k)).RSI_14).toBeCloseTo(rsi, 9);
    });
  });

  it('answers the documented edge values on a flat series', () => {
    expect(compute(flatCandles(100, 0.1), afterCandle(100))).toEqual({
      RSI_14: 50,
      ATR_rel: 0,
      BB_pos: 0.5,
      gap_from_MA: expect.closeTo(0, 12),
      pct_change_1h_before: 0,
      pct_change_24h_before: 0,
      drawdown_recent: 0,
    });
  });

  it('gives RSI 100 on a rising series and 0 on a falling one, like the reference', () => {
    for (const [moveBp, rsi] of [
      [50, 100],
      [-50, 0],
    ] as const) {
      const candles = steadyWalk(90, moveBp);
      const features = compute(candles, afterCandle(90));
      expect(features.RSI_14).toBe(rsi);
      expectFeaturesClose(features, referenceIndicators(candles, afterCandle(90)));
    }
  });

  it('measures the 1 h and 24 h changes as of the earlier time when candles are missing', () => {
    fc.assert(
      fc.property(
        walkArb(200),
        fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
        fc.integer({ min: 0, max: 205 }),
        (candles, keep, hour) => {
          const gappy = candles.filter((_, i) => keep[i]);
          const entryTs = afterCandle(hour, 1);
          expectFeaturesClose(compute(gappy, entryTs), referenceIndicators(gappy, entryTs));
        },
      ),
      { numRuns: 150, seed: 99 },
    );
    const candles = steadyWalk(30, 100).filter((_, i) => i !== 28);
    const features = compute(candles, afterCandle(30));
    expect(features.pct_change_1h_before).toBeCloseTo(1.01 ** 2 - 1, 12);
  });

  it('ignores candles that had not closed at the entry, and the entry may fall exactly on a close', () => {
    const candles = steadyWalk(80, 30);
    const entryTs = afterCandle(60);
    const onlyClosed = compute(candles.slice(0, 60), entryTs);
    expect(compute(candles, entryTs)).toEqual(onlyClosed);
    expect(compute(candles, iso(BASE_MS + 60 * HOUR - 1))).toEqual(compute(candles.slice(0, 59), entryTs));
    expectFeaturesClose(onlyClosed, referenceIndicators(candles, entryTs));
  });

  it('returns null for each feature until its history is long enough', () => {
    const needs = {
      RSI_14: 15,
      ATR_rel: 15,
      BB_pos: 20,
      gap_from_MA: 50,
      pct_change_1h_before: 2,
      pct_change_24h_before: 25,
      drawdown_recent: 72,
    } as const;
    const candles = steadyWalk(80, 20);
    for (const [feature, needed] of Object.entries(needs) as [keyof typeof needs, number][]) {
      expect(compute(candles, afterCandle(needed - 1))[feature], `${feature} with ${needed - 1}`).toBeNull();
      expect(compute(candles, afterCandle(needed))[feature], `${feature} with ${needed}`).not.toBeNull();
    }
    expect(Object.values(compute([], afterCandle(5))).every((value) => value === null)).toBe(true);
    expect(Object.values(compute(candles, afterCandle(0, 59))).every((value) => value === null)).toBe(true);
  });

  it('keeps the fuller of two candles for the same hour, whatever their order', () => {
    fc.assert(
      fc.property(
        walkArb(120),
        fc.array(fc.nat(), { maxLength: 40, size: 'max' }),
        fc.nat(),
        (candles, picks, seed) => {
          if (candles.length === 0) return;
          const duplicates = picks.map((pick, k) => {
            const original = candles[pick % candles.length]!;
            return {
              ...original,
              close: original.close * (1 + ((k % 7) - 3) / 100),
              volume: original.volume + (k % 3) - 1,
            };
          });
          const all = [...candles, ...duplicates];
          const shuffled = all
            .map((c, i) => ({ c, key: (i * 7919 + seed) % 104_729 }))
            .sort((a, b) => a.key - b.key)
            .map((x) => x.c);
          const entryTs = afterCandle(candles.length);
          expect(compute(shuffled, entryTs)).toEqual(compute(all, entryTs));
          expectFeaturesClose(compute(all, entryTs), referenceIndicators(all, entryTs));
        },
      ),
      { numRuns: 100, seed: 3 },
    );
  });
});

describe('computeIndicatorsBatch', () => {
  it('answers every entry exactly as the single form, in request order', () => {
    const btc = walkCandles(
      30_000,
      Array.from({ length: 400 }, (_, i): WalkStep => ({
        moveBp: ((i * 37) % 61) - 30,
        wickUpBp: 5,
        wickDownBp: 7,
        volume: i,
      })),
    );
    const eth = steadyWalk(150, -15);
    const entries = Array.from({ length: 60 }, (_, i) => ({
      id: `t${i}`,
      symbol: i % 3 === 0 ? 'ETH-USD' : 'BTC-USD',
      entryTs: afterCandle((i * 53) % 420, i),
    }));
    const { results } = computeIndicatorsBatch({
      series: { 'BTC-USD': [...btc].reverse(), 'ETH-USD': eth },
      entries,
    });
    expect(results.map((r) => r.id)).toEqual(entries.map((e) => e.id));
    results.forEach(({ id, ...features }, i) => {
      const entry = entries[i]!;
      expect({ id, ...features }).toEqual({
        id,
        ...compute(entry.symbol === 'ETH-USD' ? eth : btc, entry.entryTs),
      });
    });
  });
});
