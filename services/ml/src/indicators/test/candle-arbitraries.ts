import fc from 'fast-check';
import type { IndicatorFeatures, MlCandle } from '@tt/shared';
import { expect } from 'vitest';

export const HOUR = 3_600_000;
export const BASE_MS = Date.UTC(2024, 0, 1);

/** One hour of a random walk, in basis points so that every move is well above rounding noise. */
export interface WalkStep {
  moveBp: number;
  wickUpBp: number;
  wickDownBp: number;
  volume: number;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

export function walkCandles(start: number, steps: readonly WalkStep[], startMs = BASE_MS): MlCandle[] {
  const candles: MlCandle[] = [];
  let previous = start;
  steps.forEach((step, i) => {
    const close = previous * (1 + step.moveBp / 10_000);
    candles.push({
      ts: iso(startMs + i * HOUR),
      open: previous,
      high: Math.max(previous, close) * (1 + step.wickUpBp / 10_000),
      low: Math.min(previous, close) * (1 - step.wickDownBp / 10_000),
      close,
      volume: step.volume,
    });
    previous = close;
  });
  return candles;
}

const stepArb: fc.Arbitrary<WalkStep> = fc.record({
  moveBp: fc.oneof(fc.constant(0), fc.integer({ min: -800, max: 800 })),
  wickUpBp: fc.integer({ min: 0, max: 200 }),
  wickDownBp: fc.integer({ min: 0, max: 200 }),
  volume: fc.integer({ min: 0, max: 1_000_000 }),
});

export const walkArb = (maxLength = 300): fc.Arbitrary<MlCandle[]> =>
  fc
    .record({
      start: fc.oneof(
        fc.constant(1),
        fc.integer({ min: 1, max: 6_000_000 }).map((cents) => cents / 100),
      ),
      steps: fc.array(stepArb, { maxLength, size: 'max' }),
    })
    .map(({ start, steps }) => walkCandles(start, steps));

/** An entry time anywhere from before the first candle to a few hours after the last one. */
export const entryFor = (candles: readonly MlCandle[]): fc.Arbitrary<string> =>
  fc
    .record({
      hours: fc.integer({ min: -2, max: candles.length + 3 }),
      minutes: fc.integer({ min: 0, max: 59 }),
    })
    .map(({ hours, minutes }) => iso(BASE_MS + hours * HOUR + minutes * 60_000));

/** Both null, or equal to 1e-9 (absolute below 1, relative above). */
export function expectFeaturesClose(actual: IndicatorFeatures, expected: IndicatorFeatures): void {
  for (const key of Object.keys(expected) as (keyof IndicatorFeatures)[]) {
    const a = actual[key];
    const e = expected[key];
    if (e === null || a === null) {
      expect({ [key]: a }).toEqual({ [key]: e });
      continue;
    }
    expect(Math.abs(a - e), `${key}: ${a} vs ${e}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
  }
}
