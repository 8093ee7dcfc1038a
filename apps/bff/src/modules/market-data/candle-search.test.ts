import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { firstOpenAtOrAfter, lastClosedIndex } from './candle-search';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-11-01T00:00:00Z');
const series = (hours: number[]) => hours.map((h) => ({ ts: new Date(t0 + h * HOUR).toISOString() }));

describe('candle search', () => {
  it('finds the last candle closed at or before a time, never one still open', () => {
    const candles = series([0, 1, 2, 5]);
    expect(lastClosedIndex(candles, t0 + HOUR)).toBe(0);
    expect(lastClosedIndex(candles, t0 + HOUR - 1)).toBe(-1);
    expect(lastClosedIndex(candles, t0 + 4 * HOUR)).toBe(2);
    expect(lastClosedIndex(candles, t0 + 6 * HOUR)).toBe(3);
  });

  it('agrees with a linear scan for any sorted series and time', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 500 })),
        fc.integer({ min: -10, max: 520 * 60 }),
        (hours, minute) => {
          const candles = series([...hours].sort((a, b) => a - b));
          const ts = t0 + minute * 60_000;
          const linearFirst = candles.findIndex((c) => Date.parse(c.ts) >= ts);
          expect(firstOpenAtOrAfter(candles, ts)).toBe(linearFirst === -1 ? candles.length : linearFirst);
          let linearLast = -1;
          candles.forEach((c, i) => {
            if (Date.parse(c.ts) + HOUR <= ts) linearLast = i;
          });
          expect(lastClosedIndex(candles, ts)).toBe(linearLast);
        },
      ),
    );
  });
});
